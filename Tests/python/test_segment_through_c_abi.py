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
    # The network on the support as stored (UVS_ALIGN_NONE, UVS_METHOD_NETWORK): what most tests check.
    check(api, api.uvs_options_set_alignment(options, 0))
    check(api, api.uvs_options_set_method(options, 0))
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
    # The most probable of background (1 minus the refined probabilities' sum) and the labels.
    assert np.array_equal(labelled, np.concatenate([1 - stacked.sum(0, keepdims=True), stacked]).argmax(0))
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
    assert api.uvs_options_set_plane(options, 5) == INVALID_ARGUMENT
    assert b"0 to 4" in api.uvs_last_error()
    assert api.uvs_options_set_empty_share(options, 1.0) == INVALID_ARGUMENT
    assert api.uvs_options_set_input_size(options, -1) == INVALID_ARGUMENT
    assert api.uvs_options_set_input_size(options, 1025) == INVALID_ARGUMENT
    assert api.uvs_options_set_threads(options, 0) == INVALID_ARGUMENT
    assert api.uvs_options_set_bias_correction(options, 2) == INVALID_ARGUMENT
    assert b"enabled must be 0 or 1, got 2" in api.uvs_last_error()
    assert api.uvs_options_set_bias_correction(None, 1) == INVALID_ARGUMENT
    assert api.uvs_options_set_intensity_refinement(options, -1) == INVALID_ARGUMENT
    assert b"enabled must be 0 or 1, got -1" in api.uvs_last_error()
    assert api.uvs_options_set_intensity_refinement(None, 0) == INVALID_ARGUMENT


def alignments(api, result):
    reports = []
    for index in range(api.uvs_segmentation_alignment_count(result)):
        affine, final = ctypes.c_double(), ctypes.c_double()
        check(api, api.uvs_segmentation_alignment(result, index, ctypes.byref(affine), ctypes.byref(final)))
        reports.append((affine.value, final.value))
    return reports


def test_alignment_method_and_fusion_are_options_and_alignments_are_reported(api, setup):
    model, query, _, images, labels, options = setup
    for setter, count in ((api.uvs_options_set_alignment, 3), (api.uvs_options_set_method, 3),
                          (api.uvs_options_set_fusion, 2)):
        assert setter(options, count) == INVALID_ARGUMENT and setter(options, -1) == INVALID_ARGUMENT
        assert setter(None, 0) == INVALID_ARGUMENT
    result = ctypes.c_void_p()
    check(api, api.uvs_segment_volume(model, query, images, labels, 2, options, ctypes.byref(result)))
    assert api.uvs_segmentation_alignment_count(result) == 0  # the setup's UVS_ALIGN_NONE
    api.uvs_segmentation_free(result)

    seen = []
    progress = PROGRESS(lambda fraction, stage, _: seen.append(stage.decode()) or 0)
    check(api, api.uvs_options_set_progress(options, progress, None))
    check(api, api.uvs_options_set_alignment(options, 1))  # UVS_ALIGN_AFFINE
    check(api, api.uvs_options_set_method(options, 1))  # UVS_METHOD_ATLAS
    check(api, api.uvs_options_set_fusion(options, 0))  # UVS_FUSION_MAJORITY
    check(api, api.uvs_segment_volume(model, query, images, labels, 2, options, ctypes.byref(result)))
    try:
        reports = alignments(api, result)
        out = ctypes.c_double()
        assert api.uvs_segmentation_alignment(result, 2, ctypes.byref(out), ctypes.byref(out)) == INVALID_ARGUMENT
        assert api.uvs_segmentation_alignment(result, 0, None, ctypes.byref(out)) == INVALID_ARGUMENT
    finally:
        api.uvs_segmentation_free(result)
    assert len(reports) == 2
    assert all(0 <= affine <= 1 and 0 <= final <= 1 for affine, final in reports)
    assert "aligning" in seen and "segmenting" not in seen
    assert api.uvs_segmentation_alignment_count(None) == 0
