"""uvs_predict through ctypes against the PyTorch reference's committed logits.

The fixtures (tools/reference/make_fixtures.py) hold float32 inputs and the reference output for
the first S support members; the library must reproduce them to 1e-4 from either weights format.
"""
import ctypes

import numpy as np
import pytest
from safetensors.numpy import load_file

from conftest import FIXTURES
from c_api import check

CONFIGS = ["published", "uneven", "nonsquare"]
SUPPORT_SIZES = [1, 2, 5, 16]


def load_model(api, path):
    model = ctypes.c_void_p()
    check(api, api.uvs_model_load(str(path).encode(), ctypes.byref(model)))
    return model


@pytest.mark.parametrize("weights", ["weights.safetensors", "weights.pt"])
@pytest.mark.parametrize("config", CONFIGS)
def test_logits_match_reference(api, config, weights):
    case = load_file(str(FIXTURES / config / "case.safetensors"))
    query = np.ascontiguousarray(case["query"])
    n_query, height, width = query.shape
    model = load_model(api, FIXTURES / config / weights)
    try:
        for s in SUPPORT_SIZES:
            images = np.ascontiguousarray(case["support_images"][:s])
            labels = np.ascontiguousarray(case["support_labels"][:s])
            logits = np.empty_like(query)
            check(api, api.uvs_predict(model, query, n_query, images, labels, s, height, width, logits))
            expected = case[f"logits_s{s}"]
            assert np.abs(logits - expected).max() <= 1e-4, f"S={s}"
    finally:
        api.uvs_model_free(model)


def test_error_is_reported_with_status_and_message(api):
    model = ctypes.c_void_p()
    status = api.uvs_model_load(b"/nonexistent/model.safetensors", ctypes.byref(model))
    assert api.uvs_status_name(status) == b"UVS_ERROR_IO"
    assert b"/nonexistent/model.safetensors" in api.uvs_last_error()
    assert model.value is None
