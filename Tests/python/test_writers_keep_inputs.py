"""The C writers refuse to replace the file their reference volume was read from, however the
path is spelled, and leave it as it was; any other path is written."""
import ctypes
import hashlib
import os

import nibabel as nib
import numpy as np
import pytest

from c_api import INVALID_ARGUMENT, OK, VOLUME
from volume_phantoms import write_case


@pytest.fixture
def scan(api, tmp_path):
    image, _ = write_case(tmp_path, "scan", 3)
    volume = VOLUME()
    assert api.uvs_volume_read(str(image).encode(), 0, ctypes.byref(volume)) == OK
    yield image, volume
    api.uvs_volume_free(volume)


def write(api, volume, path, kind):
    count = api.uvs_volume_voxel_count(volume)
    values = np.zeros(count, np.float32)
    pointer = values.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
    if kind == "labels":
        return api.uvs_volume_write_label_map(volume, pointer, count, str(path).encode())
    return api.uvs_volume_write_probability_maps(volume, pointer, 1, count, str(path).encode())


@pytest.mark.parametrize("kind", ["labels", "probabilities"])
@pytest.mark.parametrize("spelling", ["same path", "symbolic link", "hard link", "relative path"])
def test_the_reference_file_is_never_replaced(api, scan, tmp_path, kind, spelling):
    image, volume = scan
    path = {"same path": image, "relative path": os.path.relpath(image)}.get(spelling, tmp_path / "other.nii.gz")
    if spelling == "symbolic link":
        path.symlink_to(image)
    if spelling == "hard link":
        os.link(image, path)
    before = hashlib.sha256(image.read_bytes()).hexdigest()
    assert write(api, volume, path, kind) == INVALID_ARGUMENT
    assert b"the file the reference volume was read from" in api.uvs_last_error()
    assert hashlib.sha256(image.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("kind", ["labels", "probabilities"])
def test_another_path_is_written(api, scan, tmp_path, kind):
    image, volume = scan
    assert write(api, volume, tmp_path / "out.nii.gz", kind) == OK
    assert nib.load(tmp_path / "out.nii.gz").shape == nib.load(image).shape
