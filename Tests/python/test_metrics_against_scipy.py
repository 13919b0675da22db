"""`uvseg evaluate --json` against an independent implementation built on scipy.

The reference follows the conventions documented in Sources/Workflow/Metrics/LabelMetrics.swift:
surface voxels are those a binary erosion with the 6-connected cross removes (voxels outside the
grid count as background); distances come from scipy.ndimage.distance_transform_edt with the voxel
spacing; both directed distance sets are pooled, hd95 is their 95th percentile (numpy's linear
interpolation, as MedPy's hd95) and assd their mean. Volumes are voxel counts times the voxel
volume, the voxel sizes being the lengths of the affine's columns.
"""
import json
import math
import subprocess

import nibabel as nib
import numpy as np
import pytest
from scipy import ndimage


def reference_metrics(prediction: np.ndarray, truth: np.ndarray, spacing) -> dict:
    voxel_ml = float(np.prod(spacing)) / 1000.0
    p_count, t_count = int(prediction.sum()), int(truth.sum())
    result = {"volume_pred_ml": p_count * voxel_ml, "volume_truth_ml": t_count * voxel_ml}
    if p_count == 0 or t_count == 0:
        # Only the one-empty case reaches here: labels absent from both maps are not reported.
        result.update(dice=0.0, iou=0.0, hd95_mm=None, assd_mm=None)
        return result
    overlap = int(np.logical_and(prediction, truth).sum())
    cross = ndimage.generate_binary_structure(3, 1)

    def surface(mask):
        return mask & ~ndimage.binary_erosion(mask, structure=cross, border_value=0)

    def directed(source, target):
        return ndimage.distance_transform_edt(~target, sampling=spacing)[source]

    p_surface, t_surface = surface(prediction), surface(truth)
    pooled = np.concatenate([directed(p_surface, t_surface), directed(t_surface, p_surface)])
    result.update(
        dice=2.0 * overlap / (p_count + t_count),
        iou=overlap / (p_count + t_count - overlap),
        hd95_mm=float(np.percentile(pooled, 95)),
        assd_mm=float(pooled.mean()),
    )
    return result


def random_labels(rng, shape, labels, smoothing) -> np.ndarray:
    """Blobs: smoothed noise per label, each voxel taking the label whose field is highest there."""
    fields = [ndimage.gaussian_filter(rng.standard_normal(shape), smoothing) for _ in labels]
    stacked = np.stack(fields)
    winner = np.argmax(stacked, axis=0)
    strong = stacked.max(axis=0) > np.quantile(stacked.max(axis=0), 0.6)
    return np.where(strong, np.asarray(labels)[winner], 0).astype(np.int16)


def oblique_affine(spacing, angle) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    rotation = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag(spacing)
    affine[:3, 3] = [-40.5, 12.25, 7.0]
    return affine


def save(tmp_path, name, data, affine):
    path = tmp_path / name
    nib.save(nib.Nifti1Image(data, affine), str(path))
    return str(path)


def evaluate(uvseg_command, prediction, truth, *extra):
    return subprocess.run(
        [str(uvseg_command), "evaluate", "--pred", prediction, "--truth", truth, *extra],
        capture_output=True, text=True, timeout=120,
    )


CASES = [
    # (seed, shape, spacing, rotation angle, smoothing)
    (1, (24, 20, 12), (1.0, 1.0, 1.0), 0.0, 2.0),
    (2, (30, 26, 10), (0.7, 0.9, 3.0), 0.0, 1.5),
    (3, (20, 32, 16), (1.2, 0.5, 2.5), 0.4, 2.5),
]


@pytest.mark.parametrize("seed,shape,spacing,angle,smoothing", CASES)
def test_matches_scipy(tmp_path, uvseg_command, seed, shape, spacing, angle, smoothing):
    rng = np.random.default_rng(seed)
    truth = random_labels(rng, shape, [1, 2, 5], smoothing)
    # A prediction: the truth perturbed by independent blobs, plus label 7 the truth lacks.
    prediction = np.where(rng.random(shape) < 0.8, truth, random_labels(rng, shape, [1, 2, 5], smoothing))
    prediction[:3, :3, :2] = 7
    affine = oblique_affine(spacing, angle)
    result = evaluate(
        uvseg_command,
        save(tmp_path, "pred.nii.gz", prediction, affine),
        save(tmp_path, "truth.nii", truth, affine),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"labels", "mean_dice"}

    # The reference reads the files back, as uvseg does, so both see the float32 header values.
    stored = nib.load(str(tmp_path / "truth.nii"))
    stored_spacing = np.sqrt((stored.affine[:3, :3] ** 2).sum(axis=0))
    stored_truth = np.asarray(stored.dataobj)
    stored_prediction = np.asarray(nib.load(str(tmp_path / "pred.nii.gz")).dataobj)

    labels = sorted((set(np.unique(stored_truth)) | set(np.unique(stored_prediction))) - {0})
    assert list(report["labels"]) == [str(label) for label in labels]
    for label in labels:
        expected = reference_metrics(stored_prediction == label, stored_truth == label, stored_spacing)
        got = report["labels"][str(label)]
        assert list(got) == ["dice", "iou", "hd95_mm", "assd_mm", "volume_pred_ml", "volume_truth_ml"]
        for key, value in expected.items():
            if value is None:
                assert got[key] is None, (label, key)
            else:
                assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-12), (label, key)
    assert report["labels"]["7"]["dice"] == 0 and report["labels"]["7"]["hd95_mm"] is None
    mean = np.mean([report["labels"][str(label)]["dice"] for label in labels])
    assert report["mean_dice"] == pytest.approx(mean, rel=1e-12)


def test_table_output_reports_each_label(tmp_path, uvseg_command):
    data = np.zeros((6, 6, 4), np.uint8)
    data[1:4, 1:4, 1:3] = 2
    prediction = data.copy()
    prediction[0, 0, 0] = 3
    affine = np.diag([0.5, 0.5, 2.0, 1.0])
    result = evaluate(uvseg_command, save(tmp_path, "p.nii.gz", prediction, affine), save(tmp_path, "t.nii.gz", data, affine))
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()}
    assert rows["2"][1:3] == ["1.0000", "1.0000"]
    assert rows["3"][1] == "0.0000" and rows["3"][3] == "inf"
    assert "mean Dice 0.5000" in result.stdout


def test_refuses_different_grids(tmp_path, uvseg_command):
    data = np.ones((5, 5, 5), np.uint8)
    shifted = np.eye(4)
    shifted[0, 3] = 0.5
    for affine, other_data in [(np.eye(4), np.ones((5, 5, 6), np.uint8)), (shifted, data)]:
        result = evaluate(
            uvseg_command, save(tmp_path, "p.nii.gz", other_data, affine), save(tmp_path, "t.nii.gz", data, np.eye(4)), "--json"
        )
        assert result.returncode != 0
        assert result.stdout == ""
        assert "not on the grid" in result.stderr


def test_refuses_labels_that_are_not_whole_numbers(tmp_path, uvseg_command):
    truth = np.zeros((4, 4, 4), np.float32)
    prediction = truth.copy()
    prediction[1, 2, 3] = 0.5
    result = evaluate(
        uvseg_command, save(tmp_path, "p.nii.gz", prediction, np.eye(4)), save(tmp_path, "t.nii.gz", truth, np.eye(4))
    )
    assert result.returncode != 0
    assert "voxel (1, 2, 3)" in result.stderr and "p.nii.gz" in result.stderr
