"""`uvseg segment --query-dir DIR --out-dir DIR`: a folder of studies from one support set, each
study on its own (a damaged one is reported, the others done), resumable, with a JSON Lines report
whose metrics are those of `uvseg evaluate`, and label maps identical to one-study runs."""
import json
import shutil
import subprocess

import nibabel as nib
import numpy as np
import pytest

from volume_phantoms import LPS, small_weights, write_case


def run(command, *arguments):
    return subprocess.run([str(command), *map(str, arguments)], capture_output=True, text=True, timeout=600)


@pytest.fixture
def cohort(tmp_path):
    """Three studies (one damaged), their true labels, a support pair and the small network."""
    studies, truths = tmp_path / "studies", tmp_path / "truth"
    studies.mkdir()
    truths.mkdir()
    for n, name in enumerate(["a", "b"]):
        image, labels = write_case(tmp_path, name, 40 + n, affine=LPS if n else None)
        shutil.move(image, studies / f"{name}.nii.gz")
        shutil.move(labels, truths / f"{name}.nii.gz")
    (studies / "damaged.nii.gz").write_bytes((studies / "a.nii.gz").read_bytes()[:300])
    support = write_case(tmp_path, "support", 50)
    return tmp_path, studies, truths, support, small_weights(tmp_path, "32")


def segment_folder(command, cohort, *extra, out=None):
    folder, studies, truths, support, weights = cohort
    return run(command, "segment", "--query-dir", studies, "--out-dir", out or folder / "out", "--weights", weights,
               "--support", f"{support[0]}:{support[1]}", "--support-size", "4", *extra)


def read_report(path):
    return {json.loads(line)["query"].rsplit("/", 1)[1]: json.loads(line) for line in path.read_text().splitlines()}


def test_a_damaged_study_fails_alone_and_the_others_match_single_runs(uvseg_command, cohort):
    folder, studies, truths, support, weights = cohort
    result = segment_folder(uvseg_command, cohort, "--report", folder / "report.jsonl", "--truth-dir", truths)
    assert result.returncode != 0
    assert "damaged.nii.gz failed" in result.stderr and "(0 skipped as done, 1 failed)" in result.stderr
    report = read_report(folder / "report.jsonl")
    assert {name: entry["status"] for name, entry in report.items()} == {
        "a.nii.gz": "ok", "b.nii.gz": "ok", "damaged.nii.gz": "failed"}
    assert "truncated" in report["damaged.nii.gz"]["error"] and report["damaged.nii.gz"]["metrics"] is None
    assert sorted(p.name for p in (folder / "out").iterdir()) == ["a.nii.gz", "b.nii.gz"]
    for name in ["a.nii.gz", "b.nii.gz"]:
        single = folder / f"single_{name}"
        one = run(uvseg_command, "segment", "--query", studies / name, "--out", single, "--weights", weights,
                  "--support", f"{support[0]}:{support[1]}", "--support-size", "4")
        assert one.returncode == 0, one.stderr
        assert np.array_equal(np.asarray(nib.load(single).dataobj), np.asarray(nib.load(folder / "out" / name).dataobj))
        evaluated = run(uvseg_command, "evaluate", "--pred", folder / "out" / name, "--truth", truths / name, "--json")
        assert report[name]["metrics"] == json.loads(evaluated.stdout)
        assert report[name]["error"] is None and report[name]["seconds"] > 0


def test_a_rerun_skips_what_is_done_and_overwrite_redoes_it(uvseg_command, cohort):
    folder, studies = cohort[0], cohort[1]
    (studies / "damaged.nii.gz").unlink()
    assert segment_folder(uvseg_command, cohort).returncode == 0
    written = {p.name: p.stat().st_mtime_ns for p in (folder / "out").iterdir()}
    rerun = segment_folder(uvseg_command, cohort, "--report", folder / "again.jsonl")
    assert rerun.returncode == 0, rerun.stderr
    assert {e["status"] for e in read_report(folder / "again.jsonl").values()} == {"skipped"}
    assert {p.name: p.stat().st_mtime_ns for p in (folder / "out").iterdir()} == written
    (folder / "out" / "a.nii.gz").write_bytes(b"not a label map")  # not complete: done again
    partial = segment_folder(uvseg_command, cohort, "--report", folder / "partial.jsonl")
    assert {n: e["status"] for n, e in read_report(folder / "partial.jsonl").items()} == {
        "a.nii.gz": "ok", "b.nii.gz": "skipped"}
    redo = segment_folder(uvseg_command, cohort, "--overwrite", "--report", folder / "redo.jsonl")
    assert redo.returncode == 0 and {e["status"] for e in read_report(folder / "redo.jsonl").values()} == {"ok"}
    assert partial.returncode == 0


def test_studies_side_by_side_give_the_same_label_maps_and_report(uvseg_command, cohort):
    folder, studies = cohort[0], cohort[1]
    for name in ["c", "d"]:
        shutil.copy(studies / "a.nii.gz", studies / f"{name}.nii.gz")
    one = segment_folder(uvseg_command, cohort, "--report", folder / "one.jsonl", out=folder / "one")
    three = segment_folder(uvseg_command, cohort, "--jobs", "3", "--threads", "2", "--report", folder / "three.jsonl",
                           out=folder / "three")
    assert one.returncode != 0 and three.returncode != 0  # the damaged study, in both
    assert three.stderr.count("failed:") == 1 and "segmented 4 of 5 studies" in three.stderr
    reports = [read_report(folder / "one.jsonl"), read_report(folder / "three.jsonl")]
    assert [{n: (e["status"], e["error"]) for n, e in r.items()} for r in reports[1:]] == \
        [{n: (e["status"], e["error"]) for n, e in reports[0].items()}]
    assert len((folder / "three.jsonl").read_text().splitlines()) == 5
    names = sorted(p.name for p in (folder / "one").iterdir())
    assert names == ["a.nii.gz", "b.nii.gz", "c.nii.gz", "d.nii.gz"]
    assert names == sorted(p.name for p in (folder / "three").iterdir())
    for name in names:
        assert (folder / "one" / name).read_bytes() == (folder / "three" / name).read_bytes()


@pytest.mark.parametrize("problem, message", [
    ("out is query folder", "--out-dir is the --query-dir"),
    ("both modes", "give either --query and --out"),
    ("empty folder", "holds no NIfTI volume"),
    ("no jobs", "--jobs must be from 1 to 1024, got 0"),
])
def test_bad_folder_runs_are_refused_before_any_work(uvseg_command, cohort, problem, message):
    folder, studies = cohort[0], cohort[1]
    extra = {"both modes": ["--query", studies / "a.nii.gz"], "no jobs": ["--jobs", "0"]}.get(problem, [])
    if problem == "empty folder":
        for path in studies.iterdir():
            path.unlink()
    before = sorted(p.name for p in studies.iterdir())
    result = segment_folder(uvseg_command, cohort, *extra, out=studies if problem == "out is query folder" else None)
    assert result.returncode != 0 and message in result.stderr
    assert sorted(p.name for p in studies.iterdir()) == before


@pytest.mark.parametrize("option, message", [
    (["--jobs", "2"], "--jobs goes with --query-dir"),
    (["--report", "r.jsonl"], "--overwrite, --report and --truth-dir go with --query-dir"),
])
def test_folder_options_are_refused_for_one_study(uvseg_command, cohort, option, message):
    folder, studies, _, support, weights = cohort
    result = run(uvseg_command, "segment", "--query", studies / "a.nii.gz", "--out", folder / "one.nii.gz",
                 "--weights", weights, "--support", f"{support[0]}:{support[1]}", *option)
    assert result.returncode != 0 and message in result.stderr
    assert not (folder / "one.nii.gz").exists()
