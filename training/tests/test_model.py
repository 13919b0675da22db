"""The batched training network equals the reference network of tools/reference (same tensors)."""
import pytest
import torch

from universeg_reference import UniverSegReference
from uvseg_train.model import UniverSeg, model_from_state_dict


@pytest.mark.parametrize("encoder,decoder", [
    ([(8, 8)] * 4, None),
    ([(6, 10), (12, 8), (8, 14)], [(10, 6), (8, 12)]),
])
def test_outputs_and_names_match_reference(encoder, decoder):
    torch.manual_seed(0)
    ours = UniverSeg(encoder, decoder).double()
    reference = UniverSegReference(encoder, decoder).double()
    assert list(ours.state_dict()) == list(reference.state_dict())
    reference.load_state_dict(ours.state_dict())
    q = torch.rand(2, 1, 32, 32, dtype=torch.float64)
    si = torch.rand(2, 5, 1, 32, 32, dtype=torch.float64)
    sl = (torch.rand(2, 5, 1, 32, 32) > 0.5).double()
    expected = reference(q, si, sl)
    assert torch.allclose(ours(q, si, sl), expected, atol=1e-10)
    assert torch.allclose(model_from_state_dict(ours.state_dict()).double()(q, si, sl), expected, atol=1e-10)


def test_published_shapes_and_parameter_count():
    model = UniverSeg([(64, 64)] * 4)
    assert sum(p.numel() for p in model.parameters()) == 1_182_785
    assert model.state_dict()["dec_blocks.0.cross.cross_conv.weight"].shape == (64, 256, 3, 3)
