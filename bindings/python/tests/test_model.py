"""uvseg.Model: loading, prediction against the PyTorch reference's logits, array handling, errors."""
import threading

import numpy as np
import pytest
from safetensors.numpy import load_file

import uvseg
from uvseg._arrays import float32_buffer
from conftest import FIXTURES

PUBLISHED = FIXTURES / "published"
# A small network of uneven widths at 32 x 40: quick enough to call many times.
UNEVEN = FIXTURES / "uneven"
CHECKPOINTS = FIXTURES / "checkpoints"


@pytest.fixture(scope="module")
def case():
    return load_file(str(UNEVEN / "case.safetensors"))


@pytest.fixture(scope="module")
def model():
    with uvseg.Model(UNEVEN / "weights.safetensors") as loaded:
        yield loaded


@pytest.mark.parametrize("weights", [PUBLISHED / "weights.pt", UNEVEN / "weights.pt",
                                     UNEVEN / "weights.safetensors"])
def test_batched_prediction_matches_reference(weights):
    case = load_file(str(weights.parent / "case.safetensors"))
    with uvseg.Model(str(weights)) as model:
        logits = model.predict(case["query"], case["support_images"][:5], case["support_labels"][:5])
    assert logits.dtype == np.float32 and logits.shape == case["query"].shape
    assert np.abs(logits - case["logits_s5"]).max() <= 1e-4


def test_one_image_gives_one_logit_map(model, case):
    logits = model.predict(case["query"][0], case["support_images"][:2], case["support_labels"][:2])
    assert logits.shape == case["query"].shape[1:]
    assert np.abs(logits - case["logits_s2"][0]).max() <= 1e-4


def test_any_float_dtype_and_layout_gives_the_same_logits(model, case):
    query, images, labels = case["query"], case["support_images"][:2], case["support_labels"][:2]
    expected = model.predict(query, images, labels)
    as_float64 = model.predict(query.astype(np.float64), images.astype(np.float64), labels.astype(np.float64))
    fortran = model.predict(np.asfortranarray(query), images[:, ::-1, :][:, ::-1, :], labels.astype(bool))
    assert np.abs(as_float64 - expected).max() <= 1e-6
    assert np.abs(fortran - expected).max() <= 1e-6


def test_the_thread_count_reaches_the_library_and_leaves_the_logits_alone(model, case):
    query, images, labels = case["query"][:3], case["support_images"][:4], case["support_labels"][:4]
    everywhere = model.predict(query, images, labels)
    np.testing.assert_array_equal(model.predict(query, images, labels, threads=1), everywhere)
    np.testing.assert_array_equal(model.predict(query, images, labels, threads=2), everywhere)
    with pytest.raises(uvseg.InvalidArgumentError, match="threads must be from 1"):
        model.predict(query, images, labels, threads=0)


def test_contiguous_float32_is_not_copied():
    array = np.zeros((2, 8, 8), dtype=np.float32)
    assert float32_buffer(array, "query") is array
    assert float32_buffer(array[:, ::2], "query") is not array


def test_integer_images_are_refused_but_integer_labels_accepted(model):
    images = np.zeros((1, 16, 16), dtype=np.uint8)
    with pytest.raises(TypeError, match="scale images to"):
        model.predict(images[0], images, images)
    logits = model.predict(images[0].astype(np.float32), images.astype(np.float32), images)
    assert logits.shape == (16, 16)


@pytest.mark.parametrize("query_shape, support_shape, label_shape, fragment", [
    ((16, 16), (2, 16, 8), (2, 16, 8), "support_images has shape"),
    ((16, 16), (2, 16, 16), (3, 16, 16), "support_labels has shape"),
    ((16, 16), (16, 16), (16, 16), "support_images must be"),
    ((1, 1, 16, 16), (2, 16, 16), (2, 16, 16), "query must be"),
])
def test_shape_mismatches_are_caught_before_the_library(model, query_shape, support_shape, label_shape, fragment):
    with pytest.raises(ValueError, match=fragment):
        model.predict(np.zeros(query_shape), np.zeros(support_shape), np.zeros(label_shape))


def test_library_errors_carry_status_and_message(model):
    multiple = model.size_multiple
    with pytest.raises(uvseg.InvalidArgumentError) as caught:
        model.predict(np.zeros((multiple + 1, 16)), np.zeros((1, multiple + 1, 16)), np.zeros((1, multiple + 1, 16)))
    assert isinstance(caught.value, ValueError)
    assert caught.value.status == 1 and caught.value.status_name == "UVS_ERROR_INVALID_ARGUMENT"
    assert str(multiple) in caught.value.message
    with pytest.raises(uvseg.InvalidArgumentError, match="at least 1|>= 1|count"):
        model.predict(np.zeros((16, 16)), np.zeros((0, 16, 16)), np.zeros((0, 16, 16)))


@pytest.mark.parametrize("file, error, status", [
    ("missing.pt", uvseg.InputOutputError, 2),
    ("truncated.pt", uvseg.BadFormatError, 3),
    ("malicious_system.pt", uvseg.UnsupportedError, 4),
])
def test_bad_checkpoints_raise_the_status_subclass(file, error, status):
    with pytest.raises(error) as caught:
        uvseg.Model(CHECKPOINTS / file)
    assert isinstance(caught.value, uvseg.Error) and caught.value.status == status
    assert caught.value.message and caught.value.status_name in str(caught.value)


def test_a_closed_model_refuses_use_and_close_is_idempotent():
    model = uvseg.Model(PUBLISHED / "weights.safetensors")
    assert model.size_multiple == 8
    model.close()
    model.close()
    assert model.closed
    with pytest.raises(ValueError, match="closed"):
        model.predict(np.zeros((16, 16)), np.zeros((1, 16, 16)), np.zeros((1, 16, 16)))


def test_threads_share_one_model(model, case):
    query, images, labels = case["query"], case["support_images"][:2], case["support_labels"][:2]
    results = [None] * 4

    def work(index):
        results[index] = model.predict(query[index % len(query)], images, labels)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, logits in enumerate(results):
        assert np.abs(logits - case["logits_s2"][index % len(query)]).max() <= 1e-4


def test_the_built_in_model_needs_no_file():
    with uvseg.Model.default() as model:
        multiple = model.size_multiple
        images = np.random.default_rng(1).random((2, 4 * multiple, 4 * multiple), dtype=np.float32)
        logits = model.predict(images[0], images, images > 0.5)
    assert multiple >= 1 and np.isfinite(logits).all()
