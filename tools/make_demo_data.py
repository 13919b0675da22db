#!/usr/bin/env python3
"""Writes the demo data set: small 3-D phantom volumes with label maps, as NIfTI, into examples/data/.

Each case is a 64 x 64 x 24 volume (1.5 x 1.5 x 4 mm voxels, axial slices along the third axis, an
affine with flipped in-plane axes and an offset) of a body section: textured soft tissue, a bright rim,
a "spine", and a few distractor blobs, plus
  label 1: the target organ, a large smooth irregular ellipsoid of mid-grey, textured intensity;
  label 2: a second, smaller, bright structure.
Intensities are MR-like arbitrary units (int16), with a multiplicative bias field and noise.
The output is deterministic (fixed seeds). Only numpy and nibabel are needed.

The default model's training tasks include slices of phantoms drawn by `phantom()` with other seeds
(training/uvseg_train/generator/phantoms.py imports this file), so the demo is in-distribution.

Usage: python3 tools/make_demo_data.py [--out examples/data] [--cases 6]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SHAPE = (64, 64, 24)
SPACING = (1.5, 1.5, 4.0)
FIRST_SEED = 20260


def smooth_noise(rng: np.random.Generator, shape, sigma_vox) -> np.ndarray:
    """Unit-variance Gaussian noise low-pass filtered with a Gaussian of `sigma_vox` voxels per axis
    (through the FFT, so that only numpy is needed)."""
    noise = rng.standard_normal(shape)
    freqs = np.meshgrid(*[np.fft.fftfreq(n) for n in shape], indexing="ij")
    transfer = np.exp(-2 * np.pi ** 2 * sum((s * f) ** 2 for s, f in zip(sigma_vox, freqs)))
    out = np.real(np.fft.ifftn(np.fft.fftn(noise) * transfer))
    return out / (out.std() + 1e-9)


def phantom(rng: np.random.Generator, shape=SHAPE, spacing=SPACING) -> tuple[np.ndarray, np.ndarray]:
    """One phantom: (image float32 in arbitrary units, labels uint8 with 0, 1 = organ, 2 = second)."""
    sp = np.asarray(spacing, float)
    idx = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    X, Y, Z = [(i - (n - 1) / 2) * s for i, n, s in zip(idx, shape, sp)]

    def smooth(sigma_mm):
        return smooth_noise(rng, shape, sigma_mm / sp)

    ax, ay = rng.uniform(40, 45), rng.uniform(32, 38)
    body_r = (X / ax) ** 2 + (Y / ay) ** 2 + 0.05 * smooth(12)
    body = body_r < 1
    rim = body & (body_r > 0.80)
    image = np.where(body, 250 + 20 * smooth(2.0), 10.0)
    image[rim] = 700 + 40 * smooth(2.0)[rim]

    spine = ((X - rng.uniform(-3, 3)) ** 2 + (Y - (ay - 13)) ** 2 < rng.uniform(6, 8) ** 2) & body
    image[spine] = 900 + 30 * smooth(1.5)[spine]

    centers = [(rng.uniform(-12, 12), rng.uniform(-12, 8), rng.uniform(-12, 12)) for _ in range(rng.integers(4, 8))]
    for cx, cy, cz in centers:
        r = rng.uniform(4, 9)
        level = rng.choice([150.0, 380.0, 650.0, 900.0]) + rng.normal(0, 20)
        blob = ((X - cx) ** 2 + (Y - cy) ** 2 + ((Z - cz) / 1.5) ** 2 < r * r) & body & ~rim
        image[blob] = level + 20 * smooth(1.5)[blob]

    second_c = (rng.uniform(14, 22), rng.uniform(0, 10), rng.uniform(-15, 15))
    second_r = rng.uniform(8, 11)
    second = ((X - second_c[0]) ** 2 + (Y - second_c[1]) ** 2 + ((Z - second_c[2]) / 1.8) ** 2
              < second_r ** 2 * (1 + 0.1 * smooth(6)))
    image[second] = 800 + 30 * smooth(1.5)[second]

    oc = (rng.uniform(-16, -8), rng.uniform(-8, 0), rng.uniform(-6, 6))
    orad = (rng.uniform(20, 25), rng.uniform(14, 18), rng.uniform(26, 34))
    angle = rng.uniform(-0.4, 0.4)
    u = np.cos(angle) * (X - oc[0]) + np.sin(angle) * (Y - oc[1])
    v = -np.sin(angle) * (X - oc[0]) + np.cos(angle) * (Y - oc[1])
    organ_r = (u / orad[0]) ** 2 + (v / orad[1]) ** 2 + ((Z - oc[2]) / orad[2]) ** 2
    organ = (organ_r < 1 + 0.15 * smooth(8)) & body & ~rim & ~spine & ~second
    image[organ] = rng.uniform(490, 550) + 25 * smooth(1.5)[organ]

    bias = np.exp(0.08 * (X / ax * rng.normal() + Y / ay * rng.normal() + Z / 48 * rng.normal()))
    image = image * bias + rng.normal(0, 15, shape)
    labels = np.zeros(shape, np.uint8)
    labels[second] = 2
    labels[organ] = 1
    return np.clip(image, 0, None).astype(np.float32), labels


def affine() -> np.ndarray:
    """Voxel to scanner (RAS) mm: the first two axes run right-to-left and anterior-to-posterior."""
    a = np.diag([-SPACING[0], -SPACING[1], SPACING[2], 1.0])
    a[:3, 3] = [47.25, 60.0, -40.0]
    return a


def write_case(out: Path, name: str, image: np.ndarray, labels: np.ndarray) -> None:
    import nibabel as nib
    for suffix, data in (("image", np.round(image).astype(np.int16)), ("label", labels)):
        img = nib.Nifti1Image(data, affine())
        img.header.set_xyzt_units("mm")
        img.set_qform(affine(), code=1)
        img.set_sform(affine(), code=1)
        nib.save(img, out / f"{name}_{suffix}.nii.gz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "examples" / "data")
    parser.add_argument("--cases", type=int, default=6)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for case in range(args.cases):
        image, labels = phantom(np.random.default_rng(FIRST_SEED + case))
        write_case(args.out, f"case{case + 1:02d}", image, labels)
        print(f"case{case + 1:02d}: organ {int((labels == 1).sum())} voxels, second {int((labels == 2).sum())}")


if __name__ == "__main__":
    main()
