"""Overlap of a predicted label map with the true one."""

import numpy as np


def dice(prediction, truth, label):
    """Dice of one label: 2|P and T| / (|P| + |T|); 1 when both are empty (nothing to find,
    nothing found)."""
    predicted = np.asarray(prediction) == label
    true = np.asarray(truth) == label
    if predicted.shape != true.shape:
        raise ValueError(f"prediction {predicted.shape} and truth {true.shape} differ in shape")
    total = int(predicted.sum()) + int(true.sum())
    if total == 0:
        return 1.0
    return 2.0 * int(np.logical_and(predicted, true).sum()) / total


def dice_per_label(prediction, truth, labels):
    """{label: Dice} for each label asked for."""
    return {int(label): dice(prediction, truth, label) for label in labels}
