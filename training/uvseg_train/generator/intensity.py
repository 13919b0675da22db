"""Intensity and contrast: per-task region intensities with per-image jitter, gamma, windowing."""
from __future__ import annotations

import numpy as np


def distinct_levels(rng: np.random.Generator, count: int, min_gap: float) -> np.ndarray:
    """`count` intensities in [0, 1], with the first (the target's) at least `min_gap` from the rest."""
    levels = rng.uniform(0, 1, count)
    for _ in range(50):
        if count < 2 or np.min(np.abs(levels[1:] - levels[0])) >= min_gap:
            break
        levels[1:] = rng.uniform(0, 1, count - 1)
    return levels


def normalise(image: np.ndarray) -> np.ndarray:
    lo, hi = float(image.min()), float(image.max())
    return ((image - lo) / (hi - lo + 1e-6)).astype(np.float32)


def contrast_jitter(rng: np.random.Generator, image: np.ndarray, strength: float) -> np.ndarray:
    """A random monotone change of contrast (gamma and a soft window) of an image in [0, 1]."""
    gamma = np.exp(rng.normal(0, 0.35 * strength))
    image = np.clip(image, 0, 1) ** gamma
    lo = rng.uniform(0, 0.1 * strength)
    hi = 1 - rng.uniform(0, 0.1 * strength)
    return normalise(np.clip((image - lo) / (hi - lo), 0, 1))
