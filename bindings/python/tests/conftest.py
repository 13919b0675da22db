"""Shared fixtures of the uvseg package's tests.

The package is tested as installed (make python-test installs it into the build folder and puts
that first on sys.path). The library is the one UVSEG_LIBRARY names, by default the repository's
release build.
"""
import os
import pathlib

import nibabel as nib
import numpy as np
import pytest

import uvseg

REPO = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = REPO / "Tests" / "NetworkTests" / "Fixtures"
os.environ.setdefault("UVSEG_LIBRARY", str(REPO / ".build-ship" / "release" / "libuvseg.so"))
WEIGHTS = FIXTURES / "uneven" / "weights.safetensors"  # small and quick; results are not judged
COMMAND = pathlib.Path(os.environ["UVSEG_LIBRARY"]).parent / "uvseg-cli"  # the `uvseg` command

# An oblique, anisotropic voxel-to-world matrix: catches any axis order or transposition mistake.
OBLIQUE_AFFINE = np.array([[-1.2, 0.1, 0.0, 40.0],
                           [0.05, 0.9, 0.2, -12.5],
                           [0.0, -0.1, 3.0, 7.0],
                           [0.0, 0.0, 0.0, 1.0]])


def phantom(rng, shape=(24, 20, 5)):
    """An image with a bright ellipsoid (label 1) and a dark block (label 2), in [0, 200]."""
    i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    centre = rng.uniform(0.4, 0.6, size=3) * np.array(shape)
    ellipsoid = ((i - centre[0]) / 6) ** 2 + ((j - centre[1]) / 5) ** 2 + ((k - centre[2]) / 3) ** 2 < 1
    labels = ellipsoid.astype(np.uint8)
    labels[2:6, 2:6, 1:4] = 2
    image = 60 + 100 * (labels == 1) - 40 * (labels == 2) + rng.normal(0, 8, size=shape)
    return image.astype(np.float32), labels


@pytest.fixture(scope="module")
def model():
    with uvseg.Model(WEIGHTS) as loaded:
        yield loaded


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    """Three labelled cases as NIfTI files, the third stored in another orientation (LPS)."""
    folder = tmp_path_factory.mktemp("cases")
    rng = np.random.default_rng(5)
    paths = []
    for number, affine in enumerate([np.diag([1.0, 1.2, 3.0, 1.0])] * 2 + [np.diag([-1.0, -1.2, 3.0, 1.0])]):
        image, labels = phantom(rng)
        image_path, label_path = folder / f"image{number}.nii.gz", folder / f"label{number}.nii.gz"
        nib.save(nib.Nifti1Image(image, affine), image_path)
        nib.save(nib.Nifti1Image(labels, affine), label_path)
        paths.append((image_path, label_path))
    return paths


@pytest.fixture
def nifti(tmp_path):
    """Writes an array and affine as a NIfTI file with nibabel and returns its path."""
    count = 0

    def write(array, affine=OBLIQUE_AFFINE, name=None):
        nonlocal count
        count += 1
        path = tmp_path / (name or f"volume{count}.nii.gz")
        nib.save(nib.Nifti1Image(np.asarray(array), affine), path)
        return path

    return write


@pytest.fixture
def rng():
    return np.random.default_rng(7)
