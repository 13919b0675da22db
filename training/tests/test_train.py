"""A stopped run exports the weights it stopped at, so that latest.safetensors matches the checkpoint."""
import torch
from safetensors import safe_open
from safetensors.torch import load_file

import train
from uvseg_train.export import averaged_weights


def test_a_run_stopped_between_evaluations_exports_the_weights_it_stopped_at(tmp_path):
    run = tmp_path / "run"
    train.main(["--run", str(run), "--size", "32", "--width", "8", "--depth", "2", "--members", "6",
                "--max-support", "2", "--steps", "20", "--stop-at", "3", "--eval-every", "100",
                "--eval-tasks", "8", "--phantoms", "2", "--mix", "regions=1,objects=0,phantom=0"])
    checkpoint = torch.load(run / "checkpoint.pt", map_location="cpu")
    assert checkpoint["step"] == 3
    with safe_open(str(run / "latest.safetensors"), "pt") as f:
        assert f.metadata()["uvseg.training_steps"] == "3"
    latest = load_file(str(run / "latest.safetensors"))
    averaged = averaged_weights(checkpoint)
    assert latest.keys() == averaged.keys()
    assert all(torch.equal(latest[k], averaged[k]) for k in latest)
