"""Image corruptions with per-task strength: noise, multiplicative bias field, blur."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


def bias_field(rng: np.random.Generator, size: int, strength: float) -> np.ndarray:
    """A smooth multiplicative field around 1 (a low-order polynomial, as MR bias fields are)."""
    y, x = np.mgrid[-1:1:size * 1j, -1:1:size * 1j]
    c = rng.normal(0, strength, 5)
    return np.exp(c[0] * x + c[1] * y + c[2] * x * y + c[3] * x * x + c[4] * y * y).astype(np.float32)


@dataclass
class Corruptions:
    noise: float
    bias: float
    blur: float

    @staticmethod
    def random(rng: np.random.Generator) -> "Corruptions":
        return Corruptions(noise=float(rng.uniform(0, 0.12)) * (rng.uniform() < 0.85),
                           bias=float(rng.uniform(0, 0.3)) * (rng.uniform() < 0.6),
                           blur=float(rng.uniform(0, 1.2)) * (rng.uniform() < 0.5))

    def apply(self, rng: np.random.Generator, image: np.ndarray) -> np.ndarray:
        size = image.shape[0]
        if self.bias > 0:
            image = image * bias_field(rng, size, self.bias * rng.uniform(0.5, 1.0))
        if self.blur > 0:
            image = ndimage.gaussian_filter(image, self.blur * rng.uniform(0.5, 1.0))
        if self.noise > 0:
            image = image + rng.normal(0, self.noise * rng.uniform(0.5, 1.0), image.shape)
        return image.astype(np.float32)
