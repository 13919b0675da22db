"""The training loss: Dice per task (the shipped recipe) or over the whole batch."""
import pytest
import torch
import torch.nn.functional as F

from uvseg_train.data import dice, segmentation_loss


def _batch():
    """Two tasks: one whose query label is a square, one whose label is empty but where 400
    pixels are predicted."""
    target = torch.zeros(2, 1, 32, 32)
    target[0, :, 8:24, 8:24] = 1
    logits = torch.full((2, 1, 32, 32), -4.0)
    logits[0, :, 8:24, 8:24] = 3.0
    logits[1, :, 2:22, 2:22] = 3.0
    return logits.requires_grad_(), target


def test_per_task_dice_is_the_shipped_recipe():
    logits, target = _batch()
    expected = F.binary_cross_entropy_with_logits(logits, target) + (1 - dice(torch.sigmoid(logits), target)).mean()
    assert torch.allclose(segmentation_loss(logits, target, "item"), expected)


def test_dice_over_the_batch_pushes_down_what_is_marked_where_nothing_is():
    logits, target = _batch()
    F.binary_cross_entropy_with_logits(logits, target).backward()
    cross_entropy = logits.grad[1, :, 2:22, 2:22].sum().item()
    dice_push = {}
    for dice_over in ("item", "batch"):
        logits, target = _batch()
        segmentation_loss(logits, target, dice_over).backward()
        dice_push[dice_over] = logits.grad[1, :, 2:22, 2:22].sum().item() - cross_entropy
    # per task the empty target's Dice is eps / (marked + eps): flat, it barely pushes ...
    assert 0 < dice_push["item"] < 0.01 * cross_entropy
    # ... over the batch the marked pixels lower the batch's Dice, which pushes them down
    assert dice_push["batch"] > 20 * dice_push["item"]


def test_dice_over_the_batch_of_one_task_is_its_dice():
    logits, target = _batch()
    one = segmentation_loss(logits[:1], target[:1], "batch")
    assert torch.allclose(one, segmentation_loss(logits[:1], target[:1], "item"))


def test_an_unknown_reduction_is_refused():
    logits, target = _batch()
    with pytest.raises(ValueError, match="dice_over"):
        segmentation_loss(logits, target, "pixel")
