"""Export: published names, float32, metadata, and the same outputs after a round trip."""
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from uvseg_train.export import metadata, save_safetensors
from uvseg_train.model import UniverSeg, model_from_state_dict


def test_round_trip(tmp_path):
    torch.manual_seed(0)
    model = UniverSeg([(8, 8)] * 4).eval()
    path = tmp_path / "m.safetensors"
    save_safetensors(model.state_dict(), path, metadata(model, {"size": 64, "seed": 0}, 12))
    with safe_open(str(path), "pt") as f:
        meta = f.metadata()
    assert meta["uvseg.model"] == "uvseg-default" and meta["uvseg.input_size"] == "64"
    assert meta["uvseg.encoder"] == "8:8,8:8,8:8,8:8" and meta["uvseg.training_steps"] == "12"
    state = load_file(str(path))
    assert set(state) == set(model.state_dict()) and all(t.dtype == torch.float32 for t in state.values())
    assert "enc_blocks.0.support.vmapped.conv.weight" in state and "out_conv.conv.bias" in state
    q, si, sl = torch.rand(1, 1, 32, 32), torch.rand(1, 3, 1, 32, 32), torch.rand(1, 3, 1, 32, 32).round()
    with torch.no_grad():
        assert torch.equal(model_from_state_dict(state).eval()(q, si, sl), model(q, si, sl))


def test_a_snapshot_is_exported_with_its_tensors_and_this_revision(tmp_path):
    import export  # training/export.py
    from uvseg_train.export import MODEL_VERSION
    torch.manual_seed(1)
    model = UniverSeg([(8, 8)] * 4).eval()
    snapshot = tmp_path / "step000500.safetensors"
    save_safetensors(model.state_dict(), snapshot,
                     {**metadata(model, {"size": 64, "seed": 7}, 500), "uvseg.version": "0"})
    export.main(["--checkpoint", str(snapshot), "--out", str(tmp_path / "out.safetensors")])
    with safe_open(str(tmp_path / "out.safetensors"), "pt") as f:
        meta = f.metadata()
    assert meta["uvseg.version"] == MODEL_VERSION != "0"
    assert meta["uvseg.training_steps"] == "500" and meta["uvseg.training_seed"] == "7"
    state, before = load_file(str(tmp_path / "out.safetensors")), load_file(str(snapshot))
    assert set(state) == set(before) and all(torch.equal(state[k], before[k]) for k in state)
