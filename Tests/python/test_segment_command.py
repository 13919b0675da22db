"""`uvseg segment` and `uvseg validate` end to end: NIfTI files in, NIfTI files (or JSON) out,
checked with nibabel. The network is the small 'uneven' test network, so the labels it draws mean
nothing; what is checked is the workflow around it (geometry, outputs, errors, leave-one-out)."""
import json
import subprocess

import nibabel as nib
import numpy as np
import pytest

from volume_phantoms import LPS, RAS, small_weights, write_case


@pytest.fixture
def data(tmp_path):
    query = write_case(tmp_path, "query", 1, affine=LPS)
    supports = [write_case(tmp_path, f"support{n}", 10 + n) for n in range(2)]
    return tmp_path, query, supports


def run(command, *arguments):
    return subprocess.run([str(command), *map(str, arguments)], capture_output=True, text=True, timeout=600)


def test_segment_writes_maps_on_the_query_grid(uvseg_command, data):
    folder, query, supports = data
    weights = small_weights(folder, "32")
    out, probabilities = folder / "out" / "labels.nii.gz", folder / "out" / "probabilities.nii"
    out.parent.mkdir()
    arguments = ["segment", "--query", query[0], "--out", out, "--probabilities", probabilities,
                 "--weights", weights, "--plane", "all", "--support-size", "8", "--tta", "--ensemble", "2",
                 "--align", "none", "--method", "network"]
    for image, labels in supports:
        arguments += ["--support", f"{image}:{labels}"]
    result = run(uvseg_command, *arguments)
    assert result.returncode == 0, result.stderr
    # Not a terminal: no progress bar, only the closing line saying what was written where.
    assert result.stdout == ""
    assert result.stderr.startswith("uvseg: segmented ") and result.stderr.count("\n") == 1
    assert f"labels to {out} and probabilities to {probabilities}" in result.stderr

    reference = nib.load(query[0])
    labels = nib.load(out)
    maps = nib.load(probabilities)
    assert labels.shape == reference.shape and np.allclose(labels.affine, reference.affine)
    assert maps.shape == reference.shape + (2,) and np.allclose(maps.affine, reference.affine)
    assert maps.get_data_dtype() == np.float32
    values = np.asarray(maps.dataobj)
    assert values.min() >= 0 and values.max() <= 1
    # The label map follows the (refined) probabilities: the most probable of background, 1 minus
    # their sum, and the labels.
    expected = np.concatenate([1 - values.sum(axis=3, keepdims=True), values], axis=3).argmax(axis=3)
    assert np.array_equal(np.asarray(labels.dataobj), expected)
    assert sorted(p.name for p in out.parent.iterdir()) == ["labels.nii.gz", "probabilities.nii"]


@pytest.mark.parametrize("problem, message", [
    ("fractional labels", "whole numbers"), ("label grid", "not on the grid"), ("input size", "uvseg.input_size"),
    ("unwritable", "does not exist"), ("no support", "no support"),
])
def test_bad_input_fails_before_work_and_writes_nothing(uvseg_command, data, problem, message):
    folder, query, supports = data
    image, labels = supports[0]
    weights = small_weights(folder, "33" if problem == "input size" else "32")
    if problem == "fractional labels":
        source = nib.load(labels)
        nib.save(nib.Nifti1Image(np.asarray(source.dataobj) * 0.5, source.affine), labels)
    if problem == "label grid":
        source = nib.load(labels)
        nib.save(nib.Nifti1Image(np.asarray(source.dataobj)[:12], source.affine), labels)
    out = folder / ("missing/out.nii.gz" if problem == "unwritable" else "out.nii.gz")
    support = [] if problem == "no support" else ["--support", f"{image}:{labels}"]
    before = sorted(folder.iterdir())
    result = run(uvseg_command, "segment", "--query", query[0], "--out", out, "--weights", weights, *support)
    assert result.returncode != 0
    assert message in result.stderr
    assert sorted(folder.iterdir()) == before


def test_validate_holds_out_every_case(uvseg_command, tmp_path):
    cases = [write_case(tmp_path, f"case{n}", 20 + n, affine=RAS if n % 2 else LPS) for n in range(3)]
    weights = small_weights(tmp_path, "32")
    arguments = ["validate", "--weights", weights, "--support-sizes", "2,4", "--json", "--strategy", "random"]
    for image, labels in cases:
        arguments += ["--case", f"{image}:{labels}"]
    result = run(uvseg_command, *arguments)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(c["support_size"], c["case"]) for c in report["cases"]] == [(s, n) for s in (2, 4) for n in (1, 2, 3)]
    for entry in report["cases"]:
        assert entry["support_cases"] == [n for n in (1, 2, 3) if n != entry["case"]]
        assert set(entry["metrics"]["labels"]) == {"1", "2"}
    assert [(s["support_size"], s["label"]) for s in report["summary"]] == [(2, 1), (2, 2), (4, 1), (4, 2)]
    for summary in report["summary"]:
        dice = [c["metrics"]["labels"][str(summary["label"])]["dice"]
                for c in report["cases"] if c["support_size"] == summary["support_size"]]
        assert summary["dice"]["mean"] == pytest.approx(np.mean(dice))
        assert summary["dice"]["sd"] == pytest.approx(np.std(dice, ddof=1))

    # Three segmentations at a time, each with its share of the threads: the same report.
    side_by_side = run(uvseg_command, *arguments, "--jobs", "3", "--threads", "2")
    assert side_by_side.returncode == 0, side_by_side.stderr
    assert side_by_side.stdout == result.stdout
    refused = run(uvseg_command, *arguments, "--jobs", "0")
    assert refused.returncode != 0 and "--jobs must be from 1 to" in refused.stderr and refused.stdout == ""


def test_a_support_volume_that_does_not_line_up_is_warned_about(uvseg_command, data):
    """The defaults align each support volume; one whose image has nothing of the query's
    structure (stripes) lines up poorly, which the command says even with --quiet."""
    folder, query, supports = data
    image, labels = supports[0]
    reference = nib.load(image)
    i, j, _ = np.indices(reference.shape)
    stripes = folder / "stripes.nii"
    nib.save(nib.Nifti1Image((np.sin(i / 2.0) + np.sin(j / 3.0)).astype(np.float32), reference.affine), stripes)
    out = folder / "labels.nii"
    good = run(uvseg_command, "segment", "--query", query[0], "--support", f"{image}:{labels}", "--out", out,
               "--quiet")
    assert good.returncode == 0 and good.stderr == "", good.stderr
    poor = run(uvseg_command, "segment", "--query", query[0], "--support", f"{image}:{labels}",
               "--support", f"{stripes}:{labels}", "--out", folder / "poor.nii", "--quiet")
    assert poor.returncode == 0, poor.stderr
    assert poor.stderr.startswith(f"uvseg: warning: support volume 2 lined up poorly with {query[0]}")
    assert poor.stderr.count("\n") == 1
