"""Objects that are drawn but are not the target: distractor blobs, rings, curves and dots."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import shapes
from .textures import Texture


@dataclass
class ObjectKind:
    """A kind of object (the unit a task's rule is about): shape family, size, intensity, texture."""
    shape: str            # "blob", "ring", "noise_blob", "curve", "dots"
    size: float           # radius, or curve width, or dot radius (pixels)
    level: float          # mean intensity in [0, 1]
    texture: Texture
    count: tuple[int, int]  # instances per image (inclusive range)

    @staticmethod
    def random(rng: np.random.Generator, image_size: int, level: float, shape: str | None = None) -> "ObjectKind":
        shape = shape or str(rng.choice(["blob", "blob", "ring", "noise_blob", "curve", "dots"]))
        if shape == "curve":
            size, count = rng.uniform(1.0, 3.5), (1, 3)
        elif shape == "dots":
            size, count = rng.uniform(1.2, 3.0), (3, 12)
        else:
            size = rng.uniform(0.06, 0.3) * image_size
            count = (1, 1) if size > 0.18 * image_size else (1, 3)
        return ObjectKind(shape, float(size), float(level), Texture.random(rng, 0.1), count)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """One image's instances of this kind, as a mask."""
        n = int(rng.integers(self.count[0], self.count[1] + 1))
        if self.shape == "dots":
            return shapes.dots(rng, size, n, self.size)
        mask = np.zeros((size, size), bool)
        for _ in range(n):
            if self.shape == "curve":
                mask |= shapes.curve(rng, size, self.size * rng.uniform(0.8, 1.2), rng.uniform(0.5, 1.5) * size)
                continue
            r = self.size * rng.uniform(0.75, 1.25)
            margin = min(r, size / 3)
            center = rng.uniform(margin, size - margin, 2)
            radii = (r * rng.uniform(0.6, 1.0), r * rng.uniform(0.6, 1.0))
            harmonics = shapes.random_harmonics(rng, 0.4)
            if self.shape == "ring":
                mask |= shapes.ring(size, center, radii, rng.uniform(0, np.pi), harmonics,
                                    max(1.5, r * rng.uniform(0.25, 0.45)))
            elif self.shape == "noise_blob":
                mask |= shapes.noise_blob(rng, size, center, r, rng.uniform(2, 5))
            else:
                mask |= shapes.blob(size, center, radii, rng.uniform(0, np.pi), harmonics)
        return mask
