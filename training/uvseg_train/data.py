"""Batches of generated tasks as tensors, drawn reproducibly from (seed, step)."""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from .generator import TaskSampler
from .generator.tasks import FAMILIES
from .generator.phantoms import PhantomBank

TRAIN_PHANTOM_SEED = 1000      # training phantoms: seeds 1000, 1001, ...
HELDOUT_PHANTOM_SEED = 5000    # held-out phantoms: seeds 5000, 5001, ... (the demo uses 20260...)


def sampler(size: int, heldout: bool, phantoms: int, mix: dict[str, float] | None = None) -> TaskSampler:
    first = HELDOUT_PHANTOM_SEED if heldout else TRAIN_PHANTOM_SEED
    return TaskSampler(size, PhantomBank(phantoms, first), mix)


def parse_mix(text: str) -> dict[str, float]:
    """"anatomy=0.6,objects=0.2" -> {"anatomy": 0.6, "objects": 0.2} (families not named keep the
    default mix's weight)."""
    mix = {}
    for item in filter(None, text.split(",")):
        name, _, weight = item.partition("=")
        if name not in FAMILIES:
            raise ValueError(f"unknown task family {name!r} (known: {', '.join(FAMILIES)})")
        mix[name] = float(weight)
    return mix


def batch(sampler: TaskSampler, rng: np.random.Generator, batch_size: int, support: int,
          family: str | None = None):
    """(query [B,1,H,W], support images [B,S,1,H,W], support labels [B,S,1,H,W], query labels [B,1,H,W])."""
    tasks = [sampler.sample(rng, support, 1, family) for _ in range(batch_size)]
    def stack(name):
        return torch.from_numpy(np.stack([getattr(t, name) for t in tasks])).unsqueeze(2)
    return (stack("query_images")[:, 0], stack("support_images"), stack("support_labels"),
            stack("query_labels")[:, 0])


def support_size(rng: np.random.Generator, max_support: int) -> int:
    """A support size drawn log-uniformly in 1..max_support."""
    return int(np.clip(np.round(np.exp(rng.uniform(0, math.log(max_support)))), 1, max_support))


class StepBatches(Dataset):
    """The training batch of each step, drawn from (seed, step) alone: S log-uniform in
    1..max_support and B = round(members / (S + 1)) tasks. Works in DataLoader worker processes
    (each builds its own phantom bank on first use)."""

    def __init__(self, size: int, phantoms: int, seed: int, members: int, max_support: int, steps: int,
                 mix: dict[str, float] | None = None):
        self.size, self.phantoms, self.seed, self.mix = size, phantoms, seed, mix
        self.members, self.max_support, self.steps = members, max_support, steps
        self._sampler = None

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, step: int):
        if self._sampler is None:
            self._sampler = sampler(self.size, heldout=False, phantoms=self.phantoms, mix=self.mix)
        rng = np.random.default_rng([self.seed, step])
        s = support_size(rng, self.max_support)
        return batch(self._sampler, rng, max(1, round(self.members / (s + 1))), s)


def dice(prob: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """Soft Dice per item of [B,1,H,W] maps."""
    inter = (prob * target).flatten(1).sum(1)
    total = prob.flatten(1).sum(1) + target.flatten(1).sum(1)
    return (2 * inter + eps) / (total + eps)


def segmentation_loss(logits: torch.Tensor, target: torch.Tensor, dice_over: str = "item") -> torch.Tensor:
    """Binary cross-entropy + (1 - soft Dice), the Dice taken per item and averaged ("item", the
    shipped recipe) or over the whole batch at once ("batch"). Per item, a query whose label is
    empty scores eps / (predicted pixels + eps), so once a few hundred pixels are predicted it
    gives almost no gradient; over the batch, those pixels count against the batch's Dice."""
    prob = torch.sigmoid(logits)
    if dice_over == "item":
        overlap = dice(prob, target).mean()
    elif dice_over == "batch":
        overlap = dice(prob.reshape(1, -1), target.reshape(1, -1))[0]
    else:
        raise ValueError(f"dice_over must be 'item' or 'batch', not {dice_over!r}")
    return F.binary_cross_entropy_with_logits(logits, target) + 1 - overlap


def hard_dice(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Dice of the thresholded prediction per item; 1 when both prediction and target are empty."""
    pred = (logits > 0).float()
    inter = (pred * target).flatten(1).sum(1)
    total = pred.flatten(1).sum(1) + target.flatten(1).sum(1)
    return torch.where(total > 0, 2 * inter / total.clamp(min=1e-6), torch.ones_like(total))
