#!/usr/bin/env python3
"""Seconds of `uvseg validate` on the demo's six labelled cases (leave-one-out), one segmentation
at a time and with --jobs 2 (two at a time, one thread each), in alternating rounds so that a
shared machine's drift touches both alike; prints the median of each and their ratio.

    python3 tools/bench_validate.py --uvseg .build-ship/release/uvseg-cli [--rounds 3] [--support-sizes 16]
"""
import argparse
import pathlib
import statistics
import subprocess
import time

DATA = pathlib.Path(__file__).resolve().parents[1] / "examples" / "data"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uvseg", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--support-sizes", default="16")
    options = parser.parse_args()
    cases = sorted(DATA.glob("case*_image.nii.gz"))
    arguments = [options.uvseg, "validate", "--quiet", "--json", "--support-sizes", options.support_sizes,
                 "--threads", "2"]
    for image in cases:
        arguments += ["--case", f"{image}:{str(image).replace('_image', '_label')}"]
    seconds = {1: [], 2: []}
    reports = {}
    for _ in range(options.rounds):
        for jobs in seconds:
            start = time.perf_counter()
            finished = subprocess.run([*arguments, "--jobs", str(jobs)], capture_output=True, text=True, check=True)
            seconds[jobs].append(time.perf_counter() - start)
            reports[jobs] = finished.stdout
    assert reports[1] == reports[2], "the reports differ"
    median = {jobs: statistics.median(values) for jobs, values in seconds.items()}
    folds = len(cases) * len(options.support_sizes.split(","))
    for jobs, value in median.items():
        print(f"--jobs {jobs}: {value:.2f} s for {folds} segmentations (rounds: "
              + ", ".join(f"{v:.2f}" for v in seconds[jobs]) + ")")
    print(f"ratio: {median[1] / median[2]:.2f}")


if __name__ == "__main__":
    main()
