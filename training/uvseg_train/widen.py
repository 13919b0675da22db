"""A trained network widened without changing what it computes, to go on training with more
features per block (function-preserving widening, as in Net2Net, Chen et al. 2016).

Every convolution keeps its trained weights in its first channels. New output channels get the
wider network's own fresh initialisation, and every weight from a new input channel to an old
output channel is zero, so the old channels, and the logits, are those of the narrow network until
training moves the new weights. Inputs that are concatenations (target and support halves, skip
connections) keep their parts apart: each part's old channels go to the start of that part.
"""
from __future__ import annotations

import torch

from .model import UniverSeg, model_from_state_dict


def _input_parts(model: UniverSeg) -> dict[str, list[int]]:
    """For each convolution weight, the sizes of the parts its input channels are made of."""
    parts: dict[str, list[int]] = {}
    t_in = s_in = None
    skips = []
    for i, (block, (cross, out)) in enumerate(zip(model.enc_blocks, model.encoder_widths)):
        prefix = f"enc_blocks.{i}"
        parts[f"{prefix}.cross.cross_conv.weight"] = [1, 2] if i == 0 else [t_in, s_in]
        parts[f"{prefix}.target.vmapped.conv.weight"] = parts[f"{prefix}.support.vmapped.conv.weight"] = [cross]
        t_in = s_in = out
        skips.append(out)
    for j, ((cross, out), skip) in enumerate(zip(model.decoder_widths, reversed(skips[:-1]))):
        prefix = f"dec_blocks.{j}"
        parts[f"{prefix}.cross.cross_conv.weight"] = [t_in, skip, s_in, skip]
        parts[f"{prefix}.target.vmapped.conv.weight"] = parts[f"{prefix}.support.vmapped.conv.weight"] = [cross]
        t_in = s_in = out
    parts["out_conv.conv.weight"] = [t_in]
    return parts


def width_of(state: dict[str, torch.Tensor]) -> int:
    """The features of the first block: the width `widen` takes a network from."""
    return state["enc_blocks.0.cross.cross_conv.weight"].shape[0]


def widen(state: dict[str, torch.Tensor], width: int, seed: int = 0) -> dict[str, torch.Tensor]:
    """The tensors of `state` (equal widths per block) in a network of `width` features per block."""
    narrow = model_from_state_dict(state)
    depth = len(narrow.encoder_widths)
    if any(w > width for pair in narrow.encoder_widths + narrow.decoder_widths for w in pair):
        raise ValueError(f"the network is already wider than {width}")
    torch.manual_seed(seed)
    wide = UniverSeg([(width, width)] * depth)
    old_parts, new_parts = _input_parts(narrow), _input_parts(wide)
    out = {}
    for name, fresh in wide.state_dict().items():
        old = state[name]
        tensor = fresh.clone()
        if name.endswith(".bias"):
            tensor[: old.shape[0]] = old
        else:
            tensor[: old.shape[0]] = 0  # old outputs see the old inputs only
            old_start = new_start = 0
            for old_size, new_size in zip(old_parts[name], new_parts[name]):
                tensor[: old.shape[0], new_start:new_start + old_size] = old[:, old_start:old_start + old_size]
                old_start, new_start = old_start + old_size, new_start + new_size
        out[name] = tensor.contiguous()
    return out
