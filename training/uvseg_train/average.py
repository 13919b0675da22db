"""Weighted averages of networks that share a start (weight-space ensembles: model soups,
Wortsman et al. 2022; WiSE-FT). Only networks fine-tuned from one set of weights average into a
working network: they stay in one basin, where their average often generalises better than each.
"""
from __future__ import annotations

import torch

from .widen import widen, width_of


def average(states: list[dict[str, torch.Tensor]], weights: list[float], width: int | None = None,
            widen_seed: int = 0) -> dict[str, torch.Tensor]:
    """sum(w_i * state_i) / sum(w_i), in float64, returned as float32. A state narrower than
    `width` is widened first (`widen`, with `widen_seed`: use the seed its fine-tuned partners were
    widened with, so that their new channels start from the same values)."""
    if len(states) != len(weights) or not states:
        raise ValueError("give one weight per network, and at least one network")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ValueError(f"weights must be non-negative with a positive sum, not {weights}")
    if width is not None:
        states = [widen(s, width, seed=widen_seed) if width_of(s) < width else s for s in states]
    names, total = set(states[0]), sum(weights)
    for state in states[1:]:
        if set(state) != names:
            raise ValueError(f"the networks' tensor names differ: {sorted(names ^ set(state))[:4]}")
        for name in names:
            if state[name].shape != states[0][name].shape:
                raise ValueError(f"{name}: shapes {tuple(states[0][name].shape)} and "
                                 f"{tuple(state[name].shape)} differ (widen with --width?)")
    return {name: sum(s[name].double() * (w / total) for s, w in zip(states, weights)).float().contiguous()
            for name in sorted(names)}
