import numpy as np
import pytest

import metrics


def test_dice_counts_overlap_of_one_label_only():
    prediction = np.array([1, 1, 1, 0, 2, 2])
    truth = np.array([0, 1, 1, 1, 2, 0])
    assert metrics.dice(prediction, truth, 1) == pytest.approx(2 * 2 / (3 + 3))
    assert metrics.dice(prediction, truth, 2) == pytest.approx(2 * 1 / (2 + 1))


def test_dice_is_one_when_the_label_is_absent_from_both():
    assert metrics.dice(np.zeros(4), np.zeros(4), 2) == 1.0


def test_dice_is_zero_for_disjoint_maps():
    assert metrics.dice(np.array([1, 0]), np.array([0, 1]), 1) == 0.0


def test_dice_refuses_maps_of_different_shapes():
    with pytest.raises(ValueError):
        metrics.dice(np.zeros((2, 3)), np.zeros((3, 2)), 1)
