#!/usr/bin/env python3
"""Studies per minute of a cohort of demo-sized volumes, segmented six ways in rounds (so that a
shared machine's drift touches all alike): the command's --query-dir (one process, every core),
the same with --jobs 2 (two studies at a time, one thread each), two command processes on half the
studies each with one thread, and uvseg.segment_cohort in this process (one study at a time, and
with jobs=2) and on a two-worker Dask LocalCluster (one thread each).

    python3 tools/bench_cohort.py --uvseg .build-ship/release/uvseg-cli [--studies 8] [--rounds 3]

Needs the uvseg package (UVSEG_LIBRARY or a wheel) and distributed; prints one line per way with
the median over the rounds.
"""
import argparse
import pathlib
import shutil
import statistics
import subprocess
import tempfile
import time

import uvseg

DATA = pathlib.Path(__file__).resolve().parents[1] / "examples" / "data"
SUPPORT = ["05", "06"]


def command_run(uvseg_command, studies, out, threads, jobs=1):
    arguments = [uvseg_command, "segment", "--query-dir", studies, "--out-dir", out, "--quiet",
                 "--threads", str(threads), "--jobs", str(jobs), "--overwrite"]
    for n in SUPPORT:
        arguments += ["--support", f"{DATA}/case{n}_image.nii.gz:{DATA}/case{n}_label.nii.gz"]
    return subprocess.Popen([str(a) for a in arguments])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uvseg", required=True)
    parser.add_argument("--studies", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    from distributed import Client, LocalCluster

    work = pathlib.Path(tempfile.mkdtemp())
    halves = [work / "half0", work / "half1"]
    for folder in [work / "all", *halves]:
        folder.mkdir()
    for index in range(options.studies):
        source = DATA / f"case0{1 + index % 4}_image.nii.gz"
        shutil.copy(source, work / "all" / f"study{index:03d}.nii.gz")
        shutil.copy(source, halves[index % 2] / f"study{index:03d}.nii.gz")
    images = [DATA / f"case{n}_image.nii.gz" for n in SUPPORT]
    labels = [DATA / f"case{n}_label.nii.gz" for n in SUPPORT]
    studies = sorted((work / "all").iterdir())

    def one_process():
        command_run(options.uvseg, work / "all", work / "out1", 2).wait()

    def two_jobs():
        command_run(options.uvseg, work / "all", work / "out5", 2, jobs=2).wait()

    def two_processes():
        for process in [command_run(options.uvseg, half, work / "out2", 1) for half in halves]:
            process.wait()

    def in_process():
        uvseg.segment_cohort(studies, images, labels, work / "out3", overwrite=True)

    def in_process_two_jobs():
        uvseg.segment_cohort(studies, images, labels, work / "out6", overwrite=True, jobs=2)

    times = {name: [] for name in ["command, 1 process", "command, --jobs 2", "command, 2 processes x 1 thread",
                                   "segment_cohort, in process", "segment_cohort, in process, jobs=2",
                                   "segment_cohort, LocalCluster 2 x 1 thread"]}
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        def on_cluster():
            uvseg.segment_cohort(studies, images, labels, work / "out4", client=client, overwrite=True, threads=1)

        on_cluster()  # workers load the model and support before the timed rounds
        for _ in range(options.rounds):
            for name, run in zip(times, [one_process, two_jobs, two_processes, in_process, in_process_two_jobs,
                                         on_cluster]):
                start = time.monotonic()
                run()
                times[name].append(time.monotonic() - start)
    for name, values in times.items():
        seconds = statistics.median(values)
        print(f"{name:45s} {seconds:7.2f} s  {60 * options.studies / seconds:6.1f} studies/min")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
