"""Elastic deformation plus a small affine, applied identically to an image's layers and labels."""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def random_warp(rng: np.random.Generator, size: int, elastic: float, affine: float) -> np.ndarray:
    """Sampling coordinates [2, H, W]: rotation/scale/shift of strength `affine`, smooth displacement
    of about `elastic` pixels."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    c = (size - 1) / 2
    angle = rng.normal(0, 0.25 * affine)
    scale = np.exp(rng.normal(0, 0.08 * affine))
    shift = rng.normal(0, 0.05 * size * affine, 2)
    ca, sa = np.cos(angle) / scale, np.sin(angle) / scale
    yy = ca * (y - c) - sa * (x - c) + c + shift[0]
    xx = sa * (y - c) + ca * (x - c) + c + shift[1]
    if elastic > 0:
        sigma = rng.uniform(4, 9)
        for coords in (yy, xx):
            d = ndimage.gaussian_filter(rng.standard_normal((size, size)), sigma)
            coords += elastic * d / (d.std() + 1e-6)
    return np.stack([yy, xx])


def warp(layer: np.ndarray, coords: np.ndarray, nearest: bool) -> np.ndarray:
    return ndimage.map_coordinates(layer, coords, order=0 if nearest else 1, mode="nearest")
