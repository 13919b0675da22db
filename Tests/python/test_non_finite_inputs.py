"""NaN and infinite inputs, as include/uvseg.h documents them: uvs_predict refuses them, naming the
array and the index; volume segmentation counts non-finite image voxels as 0 before preparing
intensities, so such a volume segments exactly as the same volume with 0 there."""
import ctypes

import nibabel as nib
import numpy as np
import pytest

from c_api import INVALID_ARGUMENT, OK, VOLUME, check, read_volume
from conftest import FIXTURES
from volume_phantoms import phantom


@pytest.fixture
def model(api):
    handle = ctypes.c_void_p()
    check(api, api.uvs_model_load(str(FIXTURES / "uneven" / "weights.safetensors").encode(), ctypes.byref(handle)))
    yield handle
    api.uvs_model_free(handle)


@pytest.mark.parametrize("array, index, value", [
    ("query", (1, 2, 5), np.nan), ("support_images", (0, 0, 7), np.inf), ("support_labels", (2, 31, 39), -np.inf),
])
def test_predict_refuses_a_non_finite_value_naming_array_and_index(api, model, array, index, value):
    rng = np.random.default_rng(0)
    inputs = {"query": rng.random((2, 32, 40), dtype=np.float32),
              "support_images": rng.random((3, 32, 40), dtype=np.float32),
              "support_labels": (rng.random((3, 32, 40)) > 0.5).astype(np.float32)}
    inputs[array][index] = value
    logits = np.zeros((2, 32, 40), np.float32)
    status = api.uvs_predict(model, inputs["query"], 2, inputs["support_images"], inputs["support_labels"], 3, 32, 40,
                             logits)
    assert status == INVALID_ARGUMENT
    name = {"query": "queries", "support_images": "supportImages", "support_labels": "supportLabels"}[array]
    flat = np.ravel_multi_index(index, (3, 32, 40))
    message = api.uvs_last_error().decode()
    assert message.startswith(f"{name}[{flat}] (image {index[0]}, row {index[1]}, column {index[2]}) is "), message
    assert not logits.any()


NETWORK, DEFAULTS = "the network on the support as stored", "the defaults: aligned, atlas"


def segment(api, model, query_path, support_paths, path=NETWORK):
    """The label map and the probabilities of segmenting the query from one labelled volume."""
    options, result = ctypes.c_void_p(), ctypes.c_void_p()
    check(api, api.uvs_options_create(ctypes.byref(options)))
    check(api, api.uvs_options_set_input_size(options, 32))
    if path == NETWORK:
        check(api, api.uvs_options_set_alignment(options, 0))
        check(api, api.uvs_options_set_method(options, 0))
    query = read_volume(api, query_path)
    images = (VOLUME * 1)(read_volume(api, support_paths[0]))
    labels = (VOLUME * 1)(read_volume(api, support_paths[1]))
    try:
        check(api, api.uvs_segment_volume(model, query, images, labels, 1, options, ctypes.byref(result)))
        outputs = []
        for index in range(api.uvs_segmentation_label_count(result)):
            label, volume = ctypes.c_int32(), VOLUME()
            check(api, api.uvs_segmentation_probabilities(result, index, ctypes.byref(label), ctypes.byref(volume)))
            count = api.uvs_volume_voxel_count(volume)
            data = (ctypes.c_float * count)()
            check(api, api.uvs_volume_copy_data(volume, data, count))
            outputs.append(np.frombuffer(data, dtype=np.float32).copy())
            api.uvs_volume_free(volume)
        return np.stack(outputs)
    finally:
        api.uvs_segmentation_free(result)
        for volume in [query, images[0], labels[0]]:
            api.uvs_volume_free(volume)
        api.uvs_options_free(options)


@pytest.mark.parametrize("path", [NETWORK, DEFAULTS])
def test_non_finite_voxels_segment_as_zero(api, model, tmp_path, path):
    def save(name, data):
        path = tmp_path / f"{name}.nii"
        nib.save(nib.Nifti1Image(np.ascontiguousarray(data), np.diag([1.2, 1.0, 2.5, 1.0])), path)
        return path

    query, _ = phantom(1)
    image, labels = phantom(2)
    support = save("support_image", image), save("support_label", labels)
    poisoned_query, poisoned_image = query.copy(), image.copy()
    for volume in (poisoned_query, poisoned_image):
        volume[3, 4, 2], volume[10, 10, 5], volume[0, 0, 0] = np.nan, np.inf, -np.inf
    zeroed_query, zeroed_image = (np.nan_to_num(v, nan=0, posinf=0, neginf=0) for v in (poisoned_query, poisoned_image))

    poisoned = segment(api, model, save("poisoned_query", poisoned_query),
                       (save("poisoned_image", poisoned_image), support[1]), path)
    zeroed = segment(api, model, save("zeroed_query", zeroed_query), (save("zeroed_image", zeroed_image), support[1]),
                     path)
    assert np.isfinite(poisoned).all()
    assert np.array_equal(poisoned, zeroed)
    if path == NETWORK:  # the network sees every voxel: they did count, as 0
        assert not np.array_equal(poisoned, segment(api, model, save("query", query), support, path))
