"""Zero-mean textures with a per-task character: smooth noise at a scale, stripes, speckle."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


@dataclass
class Texture:
    kind: str          # "smooth", "stripes" or "speckle"
    scale: float       # noise smoothing (pixels) or stripe period
    amplitude: float
    angle: float

    @staticmethod
    def random(rng: np.random.Generator, max_amplitude: float = 0.15) -> "Texture":
        kind = rng.choice(["smooth", "smooth", "stripes", "speckle"])
        scale = rng.uniform(0.6, 4.0) if kind != "stripes" else rng.uniform(3.0, 10.0)
        return Texture(str(kind), float(scale), float(rng.uniform(0, max_amplitude)),
                       float(rng.uniform(0, np.pi)))

    def render(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.amplitude == 0:
            return np.zeros((size, size), np.float32)
        if self.kind == "stripes":
            y, x = np.mgrid[0:size, 0:size]
            phase = rng.uniform(0, 2 * np.pi)
            t = np.sin(2 * np.pi * (np.cos(self.angle) * x + np.sin(self.angle) * y) / self.scale + phase)
            t = t + 0.3 * ndimage.gaussian_filter(rng.standard_normal((size, size)), 1.5) * 3
        elif self.kind == "speckle":
            t = ndimage.gaussian_filter(rng.exponential(1.0, (size, size)), self.scale * 0.5)
        else:
            t = ndimage.gaussian_filter(rng.standard_normal((size, size)), self.scale)
        t = t - t.mean()
        return (self.amplitude * t / (t.std() + 1e-6)).astype(np.float32)
