#!/usr/bin/env python3
"""Local validation: how well does uvseg segment YOUR data? In Python.

Before trusting the model on a kind of image, segment labelled cases you already have, each from
the others only (leave-one-out), and compare with their labels, at a few support sizes. Here the
cases are the first four demo volumes. `uvseg validate` does the same from the shell.

usage: python3 validate.py DATA_DIR [WEIGHTS]   (none: the built-in model)
"""
import sys
from pathlib import Path

import uvseg


def main(data, weights=None):
    images = [data / f"case0{n}_image.nii.gz" for n in range(1, 5)]
    labels = [data / f"case0{n}_label.nii.gz" for n in range(1, 5)]
    with uvseg.Model(weights) if weights else uvseg.Model.default() as model:
        # Every case segmented from the other three, with 4 and then 8 support slices; validate
        # with the settings you mean to use. Here: label 1 (the organ) only, to be quick.
        validation = uvseg.validate(model, images, labels, support_sizes=[4, 8], labels=[1])
    for size in (4, 8):
        print(f"support size {size}: mean Dice {validation.mean_dice(size, label=1):.3f} over {len(images)} cases")
    print(validation.table())
    # validation.report holds every case's metrics, as `uvseg validate --json` prints them.
    worst = min(validation.cases, key=lambda case: case["metrics"]["labels"]["1"]["dice"])
    print(f"weakest: case {worst['case']} with {worst['support_size']} support slices")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    try:
        main(Path(sys.argv[1]), *sys.argv[2:])
    except uvseg.Error as error:
        sys.exit(f"uvseg failed: {error}")
