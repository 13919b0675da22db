"""Binary shapes on an H x W grid: perturbed ellipses, rings, smooth-noise blobs, thin curves, dots."""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    return y, x


def blob(size: int, center, radii, angle: float, harmonics: np.ndarray) -> np.ndarray:
    """An ellipse whose radius wobbles with a few angular harmonics: rows of (k, amplitude, phase)."""
    y, x = grid(size)
    dy, dx = y - center[0], x - center[1]
    c, s = np.cos(angle), np.sin(angle)
    u, v = (c * dx + s * dy) / radii[1], (-s * dx + c * dy) / radii[0]
    rho, theta = np.hypot(u, v), np.arctan2(v, u)
    wobble = 1.0 + sum(a * np.cos(k * theta + p) for k, a, p in harmonics)
    return rho < wobble


def random_harmonics(rng: np.random.Generator, strength: float) -> np.ndarray:
    ks = np.arange(2, 6)
    return np.stack([ks, rng.uniform(0, strength, ks.size) / ks, rng.uniform(0, 2 * np.pi, ks.size)], 1)


def ring(size: int, center, radii, angle: float, harmonics: np.ndarray, thickness: float) -> np.ndarray:
    outer = blob(size, center, radii, angle, harmonics)
    inner_radii = (max(radii[0] - thickness, 0.5), max(radii[1] - thickness, 0.5))
    return outer & ~blob(size, center, inner_radii, angle, harmonics)


def noise_blob(rng: np.random.Generator, size: int, center, radius: float, smooth: float) -> np.ndarray:
    """An irregular region: smooth noise thresholded inside a soft disc envelope."""
    y, x = grid(size)
    envelope = 1.0 - np.hypot(y - center[0], x - center[1]) / radius
    field = ndimage.gaussian_filter(rng.standard_normal((size, size)), smooth)
    field /= field.std() + 1e-6
    return envelope + 0.35 * field > 0.25


def curve(rng: np.random.Generator, size: int, width: float, length: float) -> np.ndarray:
    """A thin smooth curve (a vessel-like structure) of the given width in pixels."""
    canvas = np.zeros((size, size), bool)
    pos = rng.uniform(0.15 * size, 0.85 * size, 2)
    heading = rng.uniform(0, 2 * np.pi)
    turn = rng.normal(0, 0.08)
    for _ in range(int(length / 0.5)):
        turn = 0.9 * turn + rng.normal(0, 0.03)
        heading += turn
        pos = pos + 0.5 * np.array([np.sin(heading), np.cos(heading)])
        iy, ix = int(round(pos[0])), int(round(pos[1]))
        if not (0 <= iy < size and 0 <= ix < size):
            break
        canvas[iy, ix] = True
    if width <= 1.0:
        return canvas
    return ndimage.distance_transform_edt(~canvas) < width / 2


def dots(rng: np.random.Generator, size: int, count: int, radius: float,
         avoid: np.ndarray | None = None) -> np.ndarray:
    """`count` small discs of about `radius` pixels at random places (not on `avoid`)."""
    y, x = grid(size)
    out = np.zeros((size, size), bool)
    for _ in range(count):
        cy, cx = rng.uniform(3, size - 3, 2)
        if avoid is not None and avoid[int(cy), int(cx)]:
            continue
        r = radius * rng.uniform(0.7, 1.3)
        out |= (y - cy) ** 2 + (x - cx) ** 2 < r * r
    return out
