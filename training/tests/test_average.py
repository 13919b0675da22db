"""Weight averaging: the weighted mean of the tensors, widening narrower inputs, and the command."""
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

import average as average_command
from uvseg_train.average import average
from uvseg_train.model import UniverSeg
from uvseg_train.widen import widen


def network(width, seed):
    torch.manual_seed(seed)
    return UniverSeg([(width, width)] * 3).state_dict()


def test_the_average_is_the_weighted_mean_of_each_tensor():
    a, b = network(8, 0), network(8, 1)
    soup = average([a, b], [1, 3])
    for name in a:
        assert torch.allclose(soup[name], 0.25 * a[name] + 0.75 * b[name], atol=1e-7)
        assert soup[name].dtype == torch.float32
    assert not torch.equal(soup["out_conv.conv.weight"], a["out_conv.conv.weight"])


def test_narrower_networks_are_widened_with_the_seed_given():
    narrow, wide = network(8, 0), network(12, 1)
    soup = average([narrow, wide], [1, 1], width=12, widen_seed=5)
    widened = widen(narrow, 12, seed=5)
    name = "enc_blocks.1.cross.cross_conv.weight"
    assert soup[name].shape == (12, 24, 3, 3)
    assert torch.allclose(soup[name], 0.5 * widened[name] + 0.5 * wide[name], atol=1e-7)


def test_networks_of_other_shapes_or_bad_weights_are_refused():
    with pytest.raises(ValueError, match="shapes"):
        average([network(8, 0), network(12, 0)], [1, 1])
    with pytest.raises(ValueError, match="weights"):
        average([network(8, 0), network(8, 1)], [1, -1])
    with pytest.raises(ValueError, match="one weight per network"):
        average([network(8, 0)], [1, 1])


def test_the_command_writes_the_soup_with_its_widths(tmp_path):
    save_file(network(8, 0), str(tmp_path / "a.safetensors"), metadata={"uvseg.input_size": "64"})
    save_file(network(12, 1), str(tmp_path / "b.safetensors"))
    out = tmp_path / "soup.safetensors"
    average_command.main([str(tmp_path / "a.safetensors"), f"{tmp_path / 'b.safetensors'}:3",
                          "--width", "12", "--widen-seed", "2", "--out", str(out)])
    expected = average([widen(network(8, 0), 12, seed=2), network(12, 1)], [1, 3])
    written = load_file(str(out))
    assert all(torch.equal(written[name], expected[name]) for name in expected)
    with safe_open(str(out), "pt") as f:
        meta = f.metadata()
    assert meta["uvseg.input_size"] == "64" and meta["uvseg.training_steps"] == "average"
    assert meta["uvseg.encoder"] == "12:12,12:12,12:12"
