#!/usr/bin/env python3
"""Runs the plug-in once in a real napari window and saves a screenshot of the whole window.

Three demo cases (examples/data) are the labelled examples, case 6 the query; the widget is
driven as a person would (choices, then the Segment button) and the window is captured when the
labels layer has appeared. Under a virtual X server:

    xvfb-run -a -s "-screen 0 1600x1000x24" python3 bindings/napari/tools/screenshot.py OUT.png [WEIGHTS]

With no WEIGHTS the widget uses the built-in model.
"""
import pathlib
import sys
import time

import napari
import nibabel as nib
import numpy as np
from qtpy.QtWidgets import QApplication

DATA = pathlib.Path(__file__).resolve().parents[3] / "examples" / "data"


def add_nifti(viewer, path, labels=False):
    """A NIfTI file as a layer: axes reversed to napari's (k, j, i) order, the affine likewise."""
    image = nib.load(path)
    reverse = np.eye(4)[[2, 1, 0, 3]]
    data = np.asanyarray(image.dataobj).transpose(2, 1, 0)
    add = viewer.add_labels if labels else viewer.add_image
    name = path.name.removesuffix(".nii.gz").replace("_", " ")
    return add(data.astype(np.int32) if labels else data, name=name, affine=reverse @ image.affine @ reverse)


def main(out, weights=""):
    viewer = napari.Viewer(title="uvseg plug-in")
    viewer.window.resize(1600, 1000)
    for number in (1, 2, 3):
        add_nifti(viewer, DATA / f"case0{number}_image.nii.gz")
        add_nifti(viewer, DATA / f"case0{number}_label.nii.gz", labels=True).visible = False
    for layer in list(viewer.layers)[:-1]:
        layer.visible = False
    add_nifti(viewer, DATA / "case06_image.nii.gz")
    _, widget = viewer.window.add_plugin_dock_widget("napari-uvseg", "Segment from examples")
    widget.weights.setText(weights)
    widget.add_support_row()
    widget.add_support_row()
    widget.query.setCurrentText("case06 image")
    widget.support_size.setValue(16)
    widget.run_button.click()
    deadline = time.monotonic() + 600
    while not widget.run_button.isEnabled() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.05)
    viewer.dims.set_point(0, viewer.dims.range[0].start + (viewer.dims.range[0].stop - viewer.dims.range[0].start) / 2)
    for _ in range(20):
        QApplication.processEvents()
        time.sleep(0.05)
    viewer.screenshot(out, canvas_only=False)
    print(f"{widget.status.text()}; saved {out}")
    viewer.close()


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
