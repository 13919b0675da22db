"""Writing the weights as safetensors with the published tensor names and uvseg metadata."""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import save_file

MODEL_VERSION = "3"


def averaged_weights(checkpoint: dict) -> dict[str, torch.Tensor]:
    """The moving average of the weights from a train.py checkpoint, under the network's own tensor
    names (AveragedModel keys are "module." + name, plus "n_averaged")."""
    return {k[len("module."):]: v for k, v in checkpoint["average"].items() if k.startswith("module.")}


def widths_text(widths: list[tuple[int, int]]) -> str:
    """Block widths as metadata: "cross:out,cross:out,..."."""
    return ",".join(f"{c}:{o}" for c, o in widths)


def metadata(model, args: dict, step: int) -> dict[str, str]:
    return {
        "uvseg.model": "uvseg-default",
        "uvseg.version": MODEL_VERSION,
        "uvseg.input_size": str(args["size"]),
        "uvseg.encoder": widths_text(model.encoder_widths),
        "uvseg.decoder": widths_text(model.decoder_widths),
        "uvseg.training_seed": str(args["seed"]),
        "uvseg.training_steps": str(step),
        "uvseg.normalisation": "each volume scaled to [0, 1] (0.5/99.5 percentiles or min-max), "
                               "slices resampled bilinearly to input_size",
    }


def save_safetensors(state: dict[str, torch.Tensor], path: Path, metadata: dict[str, str]) -> None:
    tensors = {k: v.detach().to("cpu", torch.float32).contiguous() for k, v in state.items()}
    tmp = Path(str(path) + ".tmp")
    save_file(tensors, str(tmp), metadata=metadata)
    tmp.chmod(0o644)
    tmp.replace(path)
