"""Widening a trained network keeps its logits and gives every block the new width."""
import torch

from uvseg_train.model import UniverSeg
from uvseg_train.widen import widen


def test_a_widened_network_computes_what_the_narrow_one_did():
    torch.manual_seed(0)
    narrow = UniverSeg([(8, 8)] * 3)
    for p in narrow.parameters():  # biases too, so that a misplaced one would show
        torch.nn.init.normal_(p, 0, 0.3)
    wide_state = widen(narrow.state_dict(), 12)
    wide = UniverSeg([(12, 12)] * 3)
    wide.load_state_dict(wide_state)
    narrow.double(), wide.double()  # in float32 the extra zero terms change the rounding
    query, images = torch.rand(2, 1, 32, 32, dtype=torch.float64), torch.rand(2, 3, 1, 32, 32, dtype=torch.float64)
    labels = (torch.rand(2, 3, 1, 32, 32) > 0.5).double()
    with torch.no_grad():
        before, after = narrow(query, images, labels), wide(query, images, labels)
    assert before.abs().max() > 1 and torch.equal(before, after)
    assert wide_state["enc_blocks.1.cross.cross_conv.weight"].shape == (12, 24, 3, 3)
    # the new channels are live: training can move them
    assert wide_state["enc_blocks.0.cross.cross_conv.weight"][8:].abs().sum() > 0
