"""uvseg.evaluate and the label post-processing functions on small label maps.

The metrics' numerics are checked against scipy in Tests/python; here the binding is checked:
any volume-like argument, the fields in the right places, results as volumes, errors.
"""
import nibabel as nib
import numpy as np
import pytest
from scipy import ndimage

import uvseg


def test_overlap_and_volumes_reach_python_in_the_right_fields(nifti):
    truth = np.zeros((10, 10, 4), np.uint8)
    truth[2:6, 2:6, 1:3] = 1
    prediction = np.zeros_like(truth)
    prediction[3:7, 2:6, 1:3] = 1
    spacing = np.diag([0.5, 0.5, 2.0, 1.0])
    image = nib.Nifti1Image(prediction, spacing)
    metrics = uvseg.evaluate(image, nifti(truth, spacing), label=1)
    both, total = np.sum(truth & prediction), truth.sum() + prediction.sum()
    assert metrics.dice == pytest.approx(2 * both / total)
    assert metrics.iou == pytest.approx(both / np.sum(truth | prediction))
    voxel_ml = 0.5 * 0.5 * 2.0 / 1000
    assert metrics.volume_truth_ml == pytest.approx(truth.sum() * voxel_ml)
    assert metrics.volume_pred_ml == pytest.approx(prediction.sum() * voxel_ml)
    assert metrics.hd95_mm == pytest.approx(0.5) and 0 < metrics.assd_mm <= 0.5


def test_a_label_missing_from_the_prediction_gives_infinite_distances(nifti):
    truth = np.zeros((6, 6, 3), np.uint8)
    truth[1:3, 1:3, 1] = 2
    metrics = uvseg.evaluate(uvseg.Volume.from_numpy(np.zeros((6, 6, 3)), np.eye(4)), nifti(truth, np.eye(4)), 2)
    assert metrics.dice == 0 and np.isinf(metrics.hd95_mm)


def test_grids_that_differ_are_refused(nifti):
    with pytest.raises(uvseg.InvalidArgumentError, match="grid|dims|size"):
        uvseg.evaluate(nifti(np.zeros((4, 4, 4))), nifti(np.zeros((4, 4, 5))))


def test_post_processing_matches_scipy(nifti, rng):
    labels = (rng.random((12, 12, 6)) > 0.6).astype(np.uint8)
    labels[4:9, 4:9, 1:5] = 1
    labels[5:8, 5:8, 2:4] = 0  # a cavity inside the block
    kept = uvseg.keep_largest_components(nifti(labels), connectivity=6).to_numpy()
    components, count = ndimage.label(labels, structure=ndimage.generate_binary_structure(3, 1))
    sizes = ndimage.sum(labels, components, range(1, count + 1))
    np.testing.assert_array_equal(kept, components == 1 + int(np.argmax(sizes)))

    block = np.zeros((12, 12, 6), np.uint8)
    block[4:9, 4:9, 1:5] = 1
    block[5:8, 5:8, 2:4] = 0
    filled = uvseg.fill_holes(uvseg.Volume.from_numpy(block, np.eye(4))).to_numpy()
    np.testing.assert_array_equal(filled, ndimage.binary_fill_holes(block))
    with pytest.raises(uvseg.InvalidArgumentError, match="connectivity"):
        uvseg.keep_largest_components(nifti(labels), connectivity=8)
