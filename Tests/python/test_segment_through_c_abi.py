"""uvs_segment_volume and the segmentation options through ctypes, on small phantom volumes."""
import ctypes

import nibabel as nib
import numpy as np
import pytest

from conftest import FIXTURES
from volume_phantoms import LPS, write_case

VOLUME = ctypes.c_void_p
PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p)
OK, INVALID_ARGUMENT, CANCELLED = 0, 1, 6


@pytest.fixture(scope="module")
def api(libuvseg):
    lib = libuvseg
    lib.uvs_model_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.uvs_model_free.argtypes = [ctypes.c_void_p]
    lib.uvs_volume_read.argtypes = [ctypes.c_char_p, ctypes.c_int64, ctypes.POINTER(VOLUME)]
    lib.uvs_volume_free.argtypes = [VOLUME]
    lib.uvs_volume_voxel_count.argtypes = [VOLUME]
    lib.uvs_volume_voxel_count.restype = ctypes.c_int64
    lib.uvs_volume_copy_data.argtypes = [VOLUME, ctypes.POINTER(ctypes.c_float), ctypes.c_int64]
    lib.uvs_volume_affine.argtypes = [VOLUME, ctypes.POINTER(ctypes.c_double)]
    lib.uvs_options_create.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.uvs_options_free.argtypes = [ctypes.c_void_p]
    lib.uvs_options_set_progress.argtypes = [ctypes.c_void_p, PROGRESS, ctypes.c_void_p]
    for name in ["plane", "strategy", "support_size", "ensemble", "flip_augmentation", "input_size", "threads"]:
        getattr(lib, f"uvs_options_set_{name}").argtypes = [ctypes.c_void_p, ctypes.c_int32]
    lib.uvs_options_set_labels.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int32), ctypes.c_int32]
    lib.uvs_options_set_empty_share.argtypes = [ctypes.c_void_p, ctypes.c_double]
    lib.uvs_segment_volume.argtypes = [ctypes.c_void_p, VOLUME, ctypes.POINTER(VOLUME), ctypes.POINTER(VOLUME),
                                       ctypes.c_int32, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    lib.uvs_segmentation_free.argtypes = [ctypes.c_void_p]
    lib.uvs_segmentation_label_map.argtypes = [ctypes.c_void_p, ctypes.POINTER(VOLUME)]
    lib.uvs_segmentation_label_count.argtypes = [ctypes.c_void_p]
    lib.uvs_segmentation_probabilities.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int32),
                                                   ctypes.POINTER(VOLUME)]
    return lib


def check(api, status):
    assert status == OK, api.uvs_last_error().decode()


def read(api, path):
    volume = VOLUME()
    check(api, api.uvs_volume_read(str(path).encode(), 0, ctypes.byref(volume)))
    return volume


def voxels(api, volume):
    count = api.uvs_volume_voxel_count(volume)
    data = (ctypes.c_float * count)()
    check(api, api.uvs_volume_copy_data(volume, data, count))
    return np.frombuffer(data, dtype=np.float32).copy()


@pytest.fixture
def setup(api, tmp_path):
    model = ctypes.c_void_p()
    check(api, api.uvs_model_load(str(FIXTURES / "uneven" / "weights.pt").encode(), ctypes.byref(model)))
    query_paths = write_case(tmp_path, "query", 1, affine=LPS)
    query = read(api, query_paths[0])
    pairs = [write_case(tmp_path, f"support{n}", 10 + n) for n in range(2)]
    images = (VOLUME * 2)(*[read(api, image) for image, _ in pairs])
    labels = (VOLUME * 2)(*[read(api, label) for _, label in pairs])
    options = ctypes.c_void_p()
    check(api, api.uvs_options_create(ctypes.byref(options)))
    check(api, api.uvs_options_set_input_size(options, 32))
    check(api, api.uvs_options_set_support_size(options, 6))
    yield model, query, query_paths, images, labels, options
    for volume in [query, *images, *labels]:
        api.uvs_volume_free(volume)
    api.uvs_options_free(options)
    api.uvs_model_free(model)


def test_segmentation_outputs_lie_on_the_query_grid(api, setup):
    model, query, query_paths, images, labels, options = setup
    check(api, api.uvs_options_set_plane(options, 3))
    check(api, api.uvs_options_set_flip_augmentation(options, 1))
    seen = []
    progress = PROGRESS(lambda fraction, stage, _: seen.append((fraction, stage.decode())) or 0)
    check(api, api.uvs_options_set_progress(options, progress, None))
    result = ctypes.c_void_p()
    check(api, api.uvs_segment_volume(model, query, images, labels, 2, options, ctypes.byref(result)))
    try:
        assert api.uvs_segmentation_label_count(result) == 2
        label_map = VOLUME()
        check(api, api.uvs_segmentation_label_map(result, ctypes.byref(label_map)))
        maps, values = [], []
        for index in range(2):
            label, volume = ctypes.c_int32(), VOLUME()
            check(api, api.uvs_segmentation_probabilities(result, index, ctypes.byref(label), ctypes.byref(volume)))
            values.append(label.value)
            maps.append(voxels(api, volume))
            api.uvs_volume_free(volume)
        affine = (ctypes.c_double * 16)()
        check(api, api.uvs_volume_affine(label_map, affine))
        labelled = voxels(api, label_map)
        api.uvs_volume_free(label_map)
    finally:
        api.uvs_segmentation_free(result)
    assert values == [1, 2]
    assert np.allclose(np.array(affine).reshape(4, 4), nib.load(query_paths[0]).affine)
    stacked = np.stack(maps)
    assert np.array_equal(labelled, np.where(stacked.max(0) > 0.5, stacked.argmax(0) + 1, 0))
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1
    assert {stage for _, stage in seen} == {"preparing", "segmenting", "combining"}
    bad = ctypes.c_int32(0)
    assert api.uvs_segmentation_probabilities(None, 0, ctypes.byref(bad), ctypes.byref(VOLUME())) == INVALID_ARGUMENT


def test_a_cancelling_callback_stops_the_call(api, setup):
    model, query, _, images, labels, options = setup
    calls = []
    progress = PROGRESS(lambda fraction, stage, _: calls.append(stage) or (1 if stage == b"segmenting" else 0))
    check(api, api.uvs_options_set_progress(options, progress, None))
    result = ctypes.c_void_p()
    assert api.uvs_segment_volume(model, query, images, labels, 2, options, ctypes.byref(result)) == CANCELLED
    assert result.value is None
    assert calls.count(b"segmenting") == 1


def test_bad_arguments_are_refused(api, setup):
    model, query, _, images, labels, options = setup
    result = ctypes.c_void_p()
    assert api.uvs_segment_volume(model, query, images, labels, 0, options, ctypes.byref(result)) == INVALID_ARGUMENT
    swapped = (VOLUME * 2)(labels[0], labels[1])
    assert api.uvs_segment_volume(model, query, swapped, images, 2, options, ctypes.byref(result)) == INVALID_ARGUMENT
    assert b"label" in api.uvs_last_error()
    missing = (ctypes.c_int32 * 1)(7)
    check(api, api.uvs_options_set_labels(options, missing, 1))
    assert api.uvs_segment_volume(model, query, images, labels, 2, options, ctypes.byref(result)) == INVALID_ARGUMENT
    assert b"label 7" in api.uvs_last_error()
    assert result.value is None
    assert api.uvs_options_set_support_size(options, 0) == INVALID_ARGUMENT
    assert api.uvs_options_set_plane(options, 4) == INVALID_ARGUMENT
    assert api.uvs_options_set_empty_share(options, 1.0) == INVALID_ARGUMENT
    assert api.uvs_options_set_input_size(options, -1) == INVALID_ARGUMENT
    assert api.uvs_options_set_input_size(options, 1025) == INVALID_ARGUMENT
    assert api.uvs_options_set_threads(options, 0) == INVALID_ARGUMENT
