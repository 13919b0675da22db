"""Slices put on the network's input grid as uvseg's engine does (`ModelCanvas`): images resized
bilinearly, labels by nearest neighbour, probabilities brought back bilinearly."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def resized(x: torch.Tensor, size: int, mode: str) -> torch.Tensor:
    """`x` [..., H, W] resized to `size` x `size` ("bilinear" or "nearest")."""
    shape = x.shape
    flat = x.reshape(-1, 1, shape[-2], shape[-1])
    extra = {"align_corners": False} if mode == "bilinear" else {}
    return F.interpolate(flat, size=(size, size), mode=mode, **extra).reshape(*shape[:-2], size, size)


def on_canvas(query, support_images, support_labels, query_labels, size: int):
    """A batch (as `data.batch` returns it) drawn at another size, as the network sees it at `size`."""
    return (resized(query, size, "bilinear"), resized(support_images, size, "bilinear"),
            resized(support_labels, size, "nearest"), resized(query_labels, size, "nearest"))
