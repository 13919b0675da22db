#!/usr/bin/env python3
"""Segment a NIfTI volume from labelled volumes, in Python (with nibabel).

Cases 1 to 5 of the demo data (examples/data: an image and its label map each) are the support;
case 6 is segmented, its label map written to OUT, and compared with case 6's own labels, which
the network never saw.

usage: python3 segment_volume.py DATA_DIR OUT.nii.gz [WEIGHTS]   (none: the built-in model)
"""
import sys
from pathlib import Path

import nibabel as nib
import numpy as np

import uvseg


def show_progress(fraction, stage):
    print(f"\r{stage:10} {100 * fraction:3.0f}%", end="\n" if fraction >= 1 else "", file=sys.stderr)


def main(data, out_path, weights=None):
    # Volumes may be given as file names, nibabel images or uvseg.Volume objects.
    support_images = [data / f"case0{n}_image.nii.gz" for n in range(1, 6)]
    support_labels = [nib.load(data / f"case0{n}_label.nii.gz") for n in range(1, 6)]
    query = uvseg.Volume.read(data / "case06_image.nii.gz")

    with uvseg.Model(weights) if weights else uvseg.Model.default() as model:
        # Settings left out keep the library's defaults (include/uvseg.h).
        result = uvseg.segment(model, query, support_images, support_labels, progress=show_progress)

    # The label map lies on the query's grid, with the query's header: viewers overlay it exactly.
    result.write_label_map(out_path)
    print(f"wrote {out_path}")

    # Arrays and affines are nibabel's: index [i, j, k], voxel-to-world in RAS+ mm.
    image = result.to_nibabel()
    truth = nib.load(data / "case06_label.nii.gz")
    print(f"label map {image.shape}, same grid as the truth: {np.allclose(image.affine, truth.affine, atol=1e-4)}")
    for label in result.labels:
        metrics = uvseg.evaluate(result.label_map, truth, label)
        print(f"label {label}: Dice {metrics.dice:.3f}, HD95 {metrics.hd95_mm:.1f} mm, "
              f"volume {metrics.volume_pred_ml:.1f} ml (truth {metrics.volume_truth_ml:.1f} ml)")

if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    try:
        main(Path(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:])
    except uvseg.Error as error:
        sys.exit(f"uvseg failed: {error}")
