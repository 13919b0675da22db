import nibabel as nib
import numpy as np
import pytest

import make_cases
import resample
import score
import template


def ras_volume():
    return np.arange(4 * 5 * 6, dtype=np.int16).reshape(4, 5, 6), np.diag([2.0, 3.0, 4.0, 1.0])


def test_same_world_points_keep_their_labels_on_a_flipped_and_permuted_grid():
    labels, affine = ras_volume()
    # Stored posterior-left-superior: axis 0 runs along -y, axis 1 along -x, axis 2 along +z.
    target = np.array([[0.0, -2.0, 0.0, 6.0],
                       [-3.0, 0.0, 0.0, 12.0],
                       [0.0, 0.0, 4.0, 0.0],
                       [0.0, 0.0, 0.0, 1.0]])
    carried = resample.resample_labels(labels, affine, (5, 4, 6), target)
    expected = labels[::-1, ::-1, :].transpose(1, 0, 2)
    np.testing.assert_array_equal(carried, expected)


def test_a_grid_shifted_by_one_voxel_reads_the_next_voxel_and_zero_beyond_the_volume():
    labels, affine = ras_volume()
    shifted = affine.copy()
    shifted[0, 3] += 2.0
    carried = resample.resample_labels(labels, affine, labels.shape, shifted)
    np.testing.assert_array_equal(carried[:-1], labels[1:])
    assert not carried[-1].any()


def test_linear_sampling_halfway_between_voxels_averages_them():
    volume = np.zeros((2, 1, 1), dtype=np.float32)
    volume[1] = 10.0
    affine = np.diag([2.0, 1.0, 1.0, 1.0])
    value = resample.sample_linear(volume, affine, np.array([[1.0, 0.0, 0.0]]))
    assert value[0] == pytest.approx(5.0)


def test_scores_carry_a_prediction_on_another_grid_onto_the_truth():
    _, affine = ras_volume()
    truth = np.broadcast_to((np.arange(4) % 3)[:, None, None], (4, 5, 6)).astype(np.uint8)
    flipped = affine @ np.array([[-1.0, 0, 0, 3], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    prediction = truth[::-1]
    assert score.scores(prediction, flipped, truth, affine) == {"WM": 1.0, "GM": 1.0}
    assert score.scores(prediction, affine, truth, affine)["WM"] < 1.0


def test_tissue_is_thresholded_on_the_sum_then_the_larger_probability_wins():
    gm = np.array([0.2, 0.3, 0.25, 0.6, 0.1])
    wm = np.array([0.2, 0.1, 0.25, 0.3, 0.7])
    np.testing.assert_array_equal(template.tissue_labels(gm, wm), [0, 0, 1, 2, 1])


@pytest.mark.parametrize("axes", [("R", "A", "S"), ("P", "L", "S"), ("S", "R", "P")])
def test_covering_grid_has_the_asked_orientation_and_covers_the_box(axes):
    low, high = np.array([-50.0, -70.0, -40.0]), np.array([60.0, 50.0, 70.0])
    shape, affine = make_cases.covering_grid(axes, (2.2, 1.8, 2.5), low, high)
    assert nib.aff2axcodes(affine) == axes
    corners = np.array([[lo if bit == 0 else hi for bit, lo, hi in zip(bits, low, high)]
                        for bits in np.ndindex(2, 2, 2)])
    indices = resample.voxel_coordinates(corners, affine)
    assert indices.min() > -1e-6
    assert np.all(indices.max(axis=1) <= np.array(shape) - 1 + 1e-6)


def test_rotation_is_orthonormal_and_turns_by_the_asked_angle():
    rotation = make_cases.rotation_matrix((0.0, 0.0, 7.0))
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-12)
    turned = rotation @ np.array([1.0, 0.0, 0.0])
    assert np.degrees(np.arctan2(turned[1], turned[0])) == pytest.approx(7.0)
