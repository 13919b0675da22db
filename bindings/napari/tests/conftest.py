"""Shared data of the plug-in's tests: small labelled phantoms and quick weights.

napari's own pytest plug-in provides make_napari_viewer; pytest-qt provides qtbot. The tests run
under a virtual X server (make napari-test uses xvfb-run), since napari's canvas needs OpenGL.
"""
import os
import pathlib

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
WEIGHTS = REPO / "Tests" / "NetworkTests" / "Fixtures" / "uneven" / "weights.safetensors"
os.environ.setdefault("UVSEG_LIBRARY", str(REPO / ".build-ship" / "release" / "libuvseg.so"))


def phantom(seed, shape=(5, 20, 24)):
    """(image, labels) in napari's (z, y, x) order: a bright ellipsoid (1) and a dark block (2)."""
    rng = np.random.default_rng(seed)
    z, y, x = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    centre = rng.uniform(0.4, 0.6, size=3) * np.array(shape)
    ellipsoid = ((z - centre[0]) / 3) ** 2 + ((y - centre[1]) / 5) ** 2 + ((x - centre[2]) / 6) ** 2 < 1
    labels = ellipsoid.astype(np.uint8)
    labels[1:4, 2:6, 2:6] = 2
    image = 60 + 100 * (labels == 1) - 40 * (labels == 2) + rng.normal(0, 8, size=shape)
    return image.astype(np.float32), labels


@pytest.fixture
def phantoms():
    return [phantom(seed) for seed in (1, 2, 3)]
