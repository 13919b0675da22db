"""Batches of generated tasks as tensors, drawn reproducibly from (seed, step)."""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from .canvas import on_canvas
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
          family: str | None = None, targets: int = 1):
    """(query [N,1,H,W], support images [N,S,1,H,W], support labels [N,S,1,H,W], query labels
    [N,1,H,W]) of N = batch_size * targets items: a task with several targets gives one item per
    target, its items next to each other, with the same images."""
    tasks = [sampler.sample(rng, support, 1, family, targets) for _ in range(batch_size)]
    def stack(name):
        return torch.from_numpy(np.stack([getattr(t, name) for t in tasks]))
    def images(name):  # [B, S, H, W] -> [B * T, S, 1, H, W], each task's repeated per target
        return stack(name).repeat_interleave(targets, 0).unsqueeze(2)
    def labels(name):  # [B, S, H, W] or [B, S, T, H, W] -> [B * T, S, 1, H, W]
        per_target = stack(name).unsqueeze(2) if targets == 1 else stack(name)
        return per_target.transpose(1, 2).flatten(0, 1).unsqueeze(2)
    return (images("query_images")[:, 0], images("support_images"), labels("support_labels"),
            labels("query_labels")[:, 0])


def support_size(rng: np.random.Generator, max_support: int) -> int:
    """A support size drawn log-uniformly in 1..max_support."""
    return int(np.clip(np.round(np.exp(rng.uniform(0, math.log(max_support)))), 1, max_support))


class StepBatches(Dataset):
    """The training batch of each step and its targets per task, drawn from (seed, step) alone:
    S log-uniform in 1..max_support and B = round(members / (S + 1)) tasks; with probability
    `several` a step of B / T tasks with T = 2 or 3 disjoint targets each (about as many network
    inputs, though never less than one task: at large S such a step costs T times more); with
    probability `coarse` a step whose tasks are drawn at `coarse_size` pixels and put on the
    `size` grid as uvseg puts a smaller slice on the network's input (`canvas.on_canvas`): real
    slices are often smaller than the input and reach the network smooth, with their thin
    structures a few pixels wide, as no task drawn at the native size looks. Works in DataLoader
    worker processes (each builds its own phantom bank on first use)."""

    def __init__(self, size: int, phantoms: int, seed: int, members: int, max_support: int, steps: int,
                 mix: dict[str, float] | None = None, several: float = 0.0, coarse: float = 0.0,
                 coarse_size: int = 0):
        self.size, self.phantoms, self.seed, self.mix = size, phantoms, seed, mix
        self.members, self.max_support, self.steps, self.several = members, max_support, steps, several
        self.coarse, self.coarse_size = coarse, coarse_size or size // 2
        self._samplers = None

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, step: int):
        if self._samplers is None:
            native = sampler(self.size, heldout=False, phantoms=self.phantoms, mix=self.mix)
            coarse = TaskSampler(self.coarse_size, native.phantoms, self.mix) if self.coarse else None
            self._samplers = (native, coarse)
        rng = np.random.default_rng([self.seed, step])
        s = support_size(rng, self.max_support)
        # drawn only when asked for, so that runs without such steps draw what they always did
        targets = int(rng.integers(2, 4)) if self.several and rng.uniform() < self.several else 1
        coarse = bool(self.coarse) and rng.uniform() < self.coarse
        tensors = batch(self._samplers[coarse], rng, max(1, round(self.members / ((s + 1) * targets))), s,
                        targets=targets)
        return (*(on_canvas(*tensors, self.size) if coarse else tensors), targets)


def dice(prob: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """Soft Dice per item of [B,1,H,W] maps."""
    inter = (prob * target).flatten(1).sum(1)
    total = prob.flatten(1).sum(1) + target.flatten(1).sum(1)
    return (2 * inter + eps) / (total + eps)


def segmentation_loss(logits: torch.Tensor, target: torch.Tensor, dice_over: str = "item",
                      targets: int = 1) -> torch.Tensor:
    """Cross-entropy + (1 - soft Dice), the Dice taken per item and averaged ("item", the
    shipped recipe) or over the whole batch at once ("batch"). Per item, a query whose label is
    empty scores eps / (predicted pixels + eps), so once a few hundred pixels are predicted it
    gives almost no gradient; over the batch, those pixels count against the batch's Dice.
    The cross-entropy is that of the command's decision: with tasks of `targets` consecutive items
    (disjoint targets), each pixel's class is softmax([0, logit_1, .., logit_T]), background's
    logit fixed at 0, so a target wins where its logit is positive and the highest (the
    command labels a voxel with the most probable label above one half). With one target that is
    the binary cross-entropy of sigmoid(logit), the shipped recipe."""
    prob = torch.sigmoid(logits)
    if dice_over == "item":
        overlap = dice(prob, target).mean()
    elif dice_over == "batch":
        overlap = dice(prob.reshape(1, -1), target.reshape(1, -1))[0]
    else:
        raise ValueError(f"dice_over must be 'item' or 'batch', not {dice_over!r}")
    return _decision_cross_entropy(logits, target, targets) + 1 - overlap


def choice_scores(outputs: torch.Tensor, targets: int) -> torch.Tensor:
    """The command's choice between a task's targets as class scores: items [N, 1, H, W] in groups
    of `targets` consecutive ones (one task's images) -> [N / targets, 1 + targets, H, W], class 0
    the background with its score fixed at 0, class t target t's output (logit, or probability -
    1/2): a pixel goes to the highest, so to a target only where its output is positive."""
    grouped = outputs.reshape(-1, targets, *outputs.shape[2:])
    return torch.cat([torch.zeros_like(grouped[:, :1]), grouped], 1)


def _decision_cross_entropy(logits: torch.Tensor, target: torch.Tensor, targets: int) -> torch.Tensor:
    classes = choice_scores(logits, targets)
    truth = (target.reshape(-1, targets, *target.shape[2:]) * torch.arange(1, targets + 1, device=target.device)
             .view(1, -1, 1, 1)).sum(1).long()
    return F.cross_entropy(classes, truth)


def hard_dice(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Dice of the thresholded prediction per item; 1 when both prediction and target are empty."""
    pred = (logits > 0).float()
    inter = (pred * target).flatten(1).sum(1)
    total = pred.flatten(1).sum(1) + target.flatten(1).sum(1)
    return torch.where(total > 0, 2 * inter / total.clamp(min=1e-6), torch.ones_like(total))
