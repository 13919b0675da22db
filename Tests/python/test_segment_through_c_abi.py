"""uvs_segment_volume and the segmentation options through ctypes, on small phantom volumes."""
import ctypes

import nibabel as nib
import numpy as np
import pytest

from conftest import FIXTURES
from volume_phantoms import LPS, write_case
from c_api import CANCELLED, INVALID_ARGUMENT, PROGRESS, VOLUME, check, read_volume


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
    query = read_volume(api, query_paths[0])
    pairs = [write_case(tmp_path, f"support{n}", 10 + n) for n in range(2)]
    images = (VOLUME * 2)(*[read_volume(api, image) for image, _ in pairs])
    labels = (VOLUME * 2)(*[read_volume(api, label) for _, label in pairs])
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
