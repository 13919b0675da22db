"""uvs_evaluate and the label post-processing functions through ctypes, against scipy."""
import ctypes
import math

import nibabel as nib
import numpy as np
import pytest
from scipy import ndimage

from uvseg.metrics import _CMetrics as Metrics
from test_metrics_against_scipy import oblique_affine, random_labels, reference_metrics

UVS_OK, UVS_ERROR_INVALID_ARGUMENT = 0, 1
FIELDS = ["dice", "iou", "hd95_mm", "assd_mm", "volume_pred_ml", "volume_truth_ml"]


@pytest.fixture
def read(api, tmp_path):
    """Saves an array as NIfTI and reads it back as a uvs_volume, freed after the test."""
    volumes = []

    def read_array(data, affine=np.eye(4)):
        path = tmp_path / f"volume{len(volumes)}.nii.gz"
        nib.save(nib.Nifti1Image(data, affine), str(path))
        volume = ctypes.c_void_p()
        assert api.uvs_volume_read(str(path).encode(), 0, ctypes.byref(volume)) == UVS_OK, api.uvs_last_error()
        volumes.append(volume)
        return volume

    yield read_array
    for volume in volumes:
        api.uvs_volume_free(volume)


def voxels(api, volume, shape):
    count = api.uvs_volume_voxel_count(volume)
    out = (ctypes.c_float * count)()
    assert api.uvs_volume_copy_data(volume, out, count) == UVS_OK
    return np.frombuffer(out, np.float32).reshape(shape, order="F")


def evaluate(api, prediction, truth, label):
    metrics = Metrics(struct_size=ctypes.sizeof(Metrics))
    status = api.uvs_evaluate(prediction, truth, label, ctypes.byref(metrics))
    assert status == UVS_OK, api.uvs_last_error()
    return {name: getattr(metrics, name) for name in FIELDS}


def test_evaluate_matches_scipy(api, read):
    rng = np.random.default_rng(11)
    shape, spacing = (22, 18, 9), (0.8, 1.1, 2.7)
    truth = random_labels(rng, shape, [1, 2], 1.8)
    prediction = np.where(rng.random(shape) < 0.85, truth, random_labels(rng, shape, [1, 2], 1.8))
    affine = oblique_affine(spacing, 0.3)
    p_volume, t_volume = read(prediction, affine), read(truth, affine)
    stored_spacing = np.sqrt((nib.Nifti1Image(truth, affine).header.get_best_affine()[:3, :3] ** 2).sum(axis=0))
    for label in (1, 2):
        got = evaluate(api, p_volume, t_volume, label)
        expected = reference_metrics(prediction == label, truth == label, stored_spacing)
        for name in FIELDS:
            assert got[name] == pytest.approx(expected[name], rel=1e-6), (label, name)


def test_evaluate_edge_cases(api, read):
    data = np.zeros((5, 5, 5), np.uint8)
    data[1:3, 1:3, 1:3] = 1
    volume, empty = read(data), read(np.zeros_like(data))
    assert evaluate(api, volume, volume, 9) == dict(zip(FIELDS, [1, 1, 0, 0, 0, 0]))
    one_sided = evaluate(api, empty, volume, 1)
    assert one_sided["dice"] == 0 and one_sided["iou"] == 0
    assert math.isinf(one_sided["hd95_mm"]) and math.isinf(one_sided["assd_mm"])
    assert one_sided["volume_truth_ml"] == pytest.approx(0.008)


def test_struct_size_lets_the_struct_grow(api, read):
    data = np.ones((3, 3, 3), np.uint8)
    volume = read(data)
    # An older caller's struct, too small: refused, nothing written.
    small = Metrics(struct_size=ctypes.sizeof(Metrics) - 8, volume_truth_ml=-1.0)
    assert api.uvs_evaluate(volume, volume, 1, ctypes.byref(small)) == UVS_ERROR_INVALID_ARGUMENT
    assert b"struct_size" in api.uvs_last_error()
    assert small.dice == 0 and small.volume_truth_ml == -1.0
    # A newer caller's larger struct: the known fields are filled, the bytes after them untouched.
    buffer = (ctypes.c_ubyte * (ctypes.sizeof(Metrics) + 16))(*([0xAB] * (ctypes.sizeof(Metrics) + 16)))
    ctypes.c_uint64.from_buffer(buffer).value = len(buffer)
    assert api.uvs_evaluate(volume, volume, 1, ctypes.cast(buffer, ctypes.POINTER(Metrics))) == UVS_OK
    assert Metrics.from_buffer(buffer).dice == 1
    assert bytes(buffer[ctypes.sizeof(Metrics):]) == b"\xab" * 16


def test_evaluate_refuses_bad_arguments(api, read):
    data = np.ones((3, 3, 3), np.uint8)
    volume, other_grid = read(data), read(np.ones((3, 3, 4), np.uint8))
    metrics = Metrics(struct_size=ctypes.sizeof(Metrics))
    for args, fragment in [
        ((volume, other_grid, 1, ctypes.byref(metrics)), b"not on the grid"),
        ((volume, volume, 0, ctypes.byref(metrics)), b"label"),
        ((None, volume, 1, ctypes.byref(metrics)), b"prediction"),
        ((volume, volume, 1, None), b"out_metrics"),
    ]:
        assert api.uvs_evaluate(*args) == UVS_ERROR_INVALID_ARGUMENT
        assert fragment in api.uvs_last_error()


def test_keep_largest_components_matches_scipy_labelling(api, read):
    rng = np.random.default_rng(5)
    data = random_labels(rng, (16, 14, 10), [1, 3], 1.0)
    volume = read(data)
    for connectivity, structure in [(6, ndimage.generate_binary_structure(3, 1)), (26, np.ones((3, 3, 3)))]:
        out = ctypes.c_void_p()
        assert api.uvs_labels_keep_largest_components(volume, connectivity, ctypes.byref(out)) == UVS_OK
        try:
            result = voxels(api, out, data.shape)
        finally:
            api.uvs_volume_free(out)
        expected = np.zeros_like(data)
        for label in (1, 3):
            components, count = ndimage.label(data == label, structure=structure)
            sizes = np.bincount(components.ravel())[1:]
            assert np.sort(sizes)[-1] > np.sort(sizes)[-2], "a tie would make the check ambiguous"
            expected[components == 1 + np.argmax(sizes)] = label
        np.testing.assert_array_equal(result, expected)
    assert api.uvs_labels_keep_largest_components(volume, 18, ctypes.byref(ctypes.c_void_p())) == UVS_ERROR_INVALID_ARGUMENT


def test_fill_holes_matches_scipy_for_a_single_label(api, read):
    rng = np.random.default_rng(8)
    mask = ndimage.gaussian_filter(rng.standard_normal((18, 16, 12)), 1.2) > -0.1
    data = mask.astype(np.uint8) * 4
    out = ctypes.c_void_p()
    assert api.uvs_labels_fill_holes(read(data), ctypes.byref(out)) == UVS_OK
    try:
        result = voxels(api, out, data.shape)
    finally:
        api.uvs_volume_free(out)
    expected = ndimage.binary_fill_holes(mask) * 4
    assert (expected != data).any(), "the case must have holes"
    np.testing.assert_array_equal(result, expected)
