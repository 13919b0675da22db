"""Elastic deformation plus a small affine, applied identically to an image's layers and labels."""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def random_warp(rng: np.random.Generator, size: int, elastic: float, affine: float) -> np.ndarray:
    """Sampling coordinates [2, H, W]: rotation/scale/shift of strength `affine`, smooth displacement
    of about `elastic` pixels."""
    return add_elastic(rng, random_pose(rng, size, affine), elastic)


def random_pose(rng: np.random.Generator, size: int, affine: float) -> np.ndarray:
    """Sampling coordinates [2, H, W] of a rotation/scale/shift about the centre, of strength `affine`."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    c = (size - 1) / 2
    angle = rng.normal(0, 0.25 * affine)
    scale = np.exp(rng.normal(0, 0.08 * affine))
    shift = rng.normal(0, 0.05 * size * affine, 2)
    ca, sa = np.cos(angle) / scale, np.sin(angle) / scale
    yy = ca * (y - c) - sa * (x - c) + c + shift[0]
    xx = sa * (y - c) + ca * (x - c) + c + shift[1]
    return np.stack([yy, xx])


def add_elastic(rng: np.random.Generator, coords: np.ndarray, elastic: float) -> np.ndarray:
    """`coords` plus a smooth random displacement of about `elastic` pixels."""
    if elastic <= 0:
        return coords
    coords = coords.copy()
    sigma = rng.uniform(4, 9) * coords.shape[1] / 64
    for layer in coords:
        d = ndimage.gaussian_filter(rng.standard_normal(layer.shape), sigma)
        layer += elastic * d / (d.std() + 1e-6)
    return coords


def warp(layer: np.ndarray, coords: np.ndarray, nearest: bool) -> np.ndarray:
    return ndimage.map_coordinates(layer, coords, order=0 if nearest else 1, mode="nearest")
