#!/usr/bin/env python3
"""Segment a 2-D image from a support set of labelled examples, in Python.

The task is made up on the spot: bright discs on a noisy background, each labelled 1 inside its
disc. Eight labelled examples form the support set; the network then segments a ninth disc it
has never seen, and the program reports how well the result matches the truth.

usage: python3 segment_image.py [WEIGHTS]    (a .pt or .safetensors checkpoint; none: the built-in model)
"""
import sys

import numpy as np

import uvseg

SIZE = 128  # the published model works on 128 x 128 images
rng = np.random.default_rng(2023)


def draw_disc():
    """One example: a bright disc on noise (values in [0, 1], as the network expects), and its
    label, 1 inside the disc and 0 outside."""
    cx, cy = rng.uniform(32, 96, size=2)
    radius = rng.uniform(12, 28)
    y, x = np.mgrid[:SIZE, :SIZE]
    inside = (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2
    return 0.15 + 0.6 * inside + 0.2 * rng.random((SIZE, SIZE)), inside


def main(weights=None):
    examples = [draw_disc() for _ in range(8)]
    support_images = np.stack([image for image, _ in examples])  # (S, H, W), any float dtype
    support_labels = np.stack([label for _, label in examples])  # bool, integer or float
    query, truth = draw_disc()

    # The built-in model needs no file but is far weaker than the published UniverSeg weights.
    with uvseg.Model(weights) if weights else uvseg.Model.default() as model:  # freed after the block
        logits = model.predict(query, support_images, support_labels)  # (H, W) float32

    found = logits > 0  # foreground where the probability is above 0.5
    dice = 2 * np.sum(found & truth) / max(found.sum() + truth.sum(), 1)
    print(f"segmented {found.sum()} pixels; the disc has {truth.sum()}; Dice {dice:.3f}")


if __name__ == "__main__":
    if len(sys.argv) > 2:
        sys.exit(__doc__)
    try:
        main(*sys.argv[1:])
    except uvseg.Error as error:  # every library failure: a status and a sentence
        sys.exit(f"uvseg failed: {error}")
