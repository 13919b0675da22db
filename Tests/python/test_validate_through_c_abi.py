"""uvs_validate and its report through ctypes, against `uvseg validate --json` on the same cases.

The network is the small 'uneven' test network, so the Dice values mean nothing; what is checked is
that the C interface runs the same validation as the command and reports it the same way."""
import ctypes
import json
import subprocess

import pytest

from volume_phantoms import LPS, RAS, small_weights, write_case
from c_api import CANCELLED, INVALID_ARGUMENT, PROGRESS, VOLUME, check, read_volume

RANDOM_STRATEGY = 1
SIZES = [2, 4]


@pytest.fixture(scope="module")
def cases(api, tmp_path_factory):
    """Three small labelled cases stored in two orientations, the weights, and their C handles."""
    folder = tmp_path_factory.mktemp("validate")
    paths = [write_case(folder, f"case{n}", 20 + n, affine=RAS if n % 2 else LPS) for n in range(3)]
    weights = small_weights(folder, "32")
    model = ctypes.c_void_p()
    check(api, api.uvs_model_load(str(weights).encode(), ctypes.byref(model)))
    images = (VOLUME * 3)(*[read_volume(api, image) for image, _ in paths])
    labels = (VOLUME * 3)(*[read_volume(api, label) for _, label in paths])
    yield paths, weights, model, images, labels
    for volume in [*images, *labels]:
        api.uvs_volume_free(volume)
    api.uvs_model_free(model)


@pytest.fixture
def options(api):
    options = ctypes.c_void_p()
    check(api, api.uvs_options_create(ctypes.byref(options)))
    check(api, api.uvs_options_set_strategy(options, RANDOM_STRATEGY))
    check(api, api.uvs_options_set_alignment(options, 0))  # the network on the support as stored
    check(api, api.uvs_options_set_method(options, 0))
    yield options
    api.uvs_options_free(options)


def sizes(*values):
    return (ctypes.c_int32 * len(values))(*values)


@pytest.fixture(scope="module")
def validation(api, cases):
    """One validation through the C interface, with the progress it reported."""
    _, _, model, images, labels = cases
    options = ctypes.c_void_p()
    check(api, api.uvs_options_create(ctypes.byref(options)))
    check(api, api.uvs_options_set_strategy(options, RANDOM_STRATEGY))
    check(api, api.uvs_options_set_alignment(options, 0))  # the network on the support as stored
    check(api, api.uvs_options_set_method(options, 0))
    seen = []
    progress = PROGRESS(lambda fraction, stage, _: seen.append((fraction, stage.decode())) or 0)
    check(api, api.uvs_options_set_progress(options, progress, None))
    handle = ctypes.c_void_p()
    check(api, api.uvs_validate(model, images, labels, 3, sizes(*SIZES), len(SIZES), options, ctypes.byref(handle)))
    api.uvs_options_free(options)
    yield handle, seen
    api.uvs_validation_free(handle)


def test_the_report_is_the_one_the_command_prints(api, cases, validation, uvseg_command):
    paths, weights, *_ = cases
    arguments = ["validate", "--weights", weights, "--support-sizes", ",".join(map(str, SIZES)), "--json",
                 "--strategy", "random", "--align", "none", "--method", "network"]
    for image, labels in paths:
        arguments += ["--case", f"{image}:{labels}"]
    result = subprocess.run([str(uvseg_command), *map(str, arguments)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    # The command names each case's files; volumes handed over in memory have no names.
    assert [entry.pop("files") for entry in printed["cases"]] == [f"{i}:{l}" for i, l in paths] * len(SIZES)
    report = json.loads(api.uvs_validation_json(validation[0]).decode())
    assert report == printed
    assert [(c["support_size"], c["case"]) for c in report["cases"]] == [(s, n) for s in SIZES for n in (1, 2, 3)]


def test_mean_dice_is_the_mean_over_cases(api, validation):
    handle, _ = validation
    report = json.loads(api.uvs_validation_json(handle).decode())
    checked = 0
    for size in SIZES:
        for label in (1, 2):
            dice = [c["metrics"]["labels"][str(label)]["dice"] for c in report["cases"] if c["support_size"] == size]
            mean = ctypes.c_double()
            check(api, api.uvs_validation_mean_dice(handle, size, label, ctypes.byref(mean)))
            assert len(dice) == 3
            assert mean.value == sum(dice) / len(dice)  # JSON numbers round-trip exactly
            summary = next(s for s in report["summary"] if (s["support_size"], s["label"]) == (size, label))
            assert mean.value == summary["dice"]["mean"]
            checked += 1
    assert checked == 4


def test_progress_covers_every_case(validation):
    _, seen = validation
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1
    assert [stage for _, stage in seen].count("validating") == 3 * len(SIZES)
    assert {stage for _, stage in seen} == {"preparing", "segmenting", "combining", "validating"}


def test_folds_side_by_side_give_the_same_report(api, cases, options, validation):
    """Three segmentations at a time: the same report; progress only as each finishes, in order."""
    _, _, model, images, labels = cases
    seen = []
    progress = PROGRESS(lambda fraction, stage, _: seen.append((fraction, stage.decode())) or 0)
    check(api, api.uvs_options_set_progress(options, progress, None))
    check(api, api.uvs_options_set_jobs(options, 3))
    handle = ctypes.c_void_p()
    check(api, api.uvs_validate(model, images, labels, 3, sizes(*SIZES), len(SIZES), options, ctypes.byref(handle)))
    try:
        assert api.uvs_validation_json(handle) == api.uvs_validation_json(validation[0])
    finally:
        api.uvs_validation_free(handle)
    work = 3 * len(SIZES)
    assert seen == [((done + 1) / work, "validating") for done in range(work)]
    for jobs in (0, -1, 1025):
        assert api.uvs_options_set_jobs(options, jobs) == INVALID_ARGUMENT
        assert f"jobs must be from 1 to 1024, got {jobs}" in api.uvs_last_error().decode()
    assert api.uvs_options_set_jobs(None, 2) == INVALID_ARGUMENT


def test_questions_the_report_cannot_answer_are_refused(api, validation):
    handle, _ = validation
    mean = ctypes.c_double(-1)
    assert api.uvs_validation_mean_dice(handle, 3, 1, ctypes.byref(mean)) == INVALID_ARGUMENT
    assert b"support size 3" in api.uvs_last_error() and b"2, 4" in api.uvs_last_error()
    assert api.uvs_validation_mean_dice(handle, 2, 7, ctypes.byref(mean)) == INVALID_ARGUMENT
    assert b"label 7" in api.uvs_last_error() and b"1, 2" in api.uvs_last_error()
    assert mean.value == -1
    assert api.uvs_validation_mean_dice(handle, 2, 1, None) == INVALID_ARGUMENT
    assert b"out_mean" in api.uvs_last_error()
    assert api.uvs_validation_mean_dice(None, 2, 1, ctypes.byref(mean)) == INVALID_ARGUMENT
    assert api.uvs_validation_json(None) is None
    api.uvs_validation_free(None)


def test_a_cancelling_callback_stops_the_call(api, cases, options):
    _, _, model, images, labels = cases
    calls = []
    progress = PROGRESS(lambda fraction, stage, _: calls.append(stage) or (1 if stage == b"segmenting" else 0))
    check(api, api.uvs_options_set_progress(options, progress, None))
    handle = ctypes.c_void_p()
    status = api.uvs_validate(model, images, labels, 3, sizes(2), 1, options, ctypes.byref(handle))
    assert status == CANCELLED, api.uvs_last_error().decode()
    assert handle.value is None
    assert calls.count(b"segmenting") == 1 and b"validating" not in calls


def test_bad_arguments_are_refused_and_named(api, cases, options):
    _, _, model, images, labels = cases
    one_null = (VOLUME * 3)(labels[0], None, labels[2])
    swapped = (VOLUME * 3)(*images)
    empty = ctypes.POINTER(VOLUME)()
    attempts = [
        ((None, images, labels, 3, sizes(2), 1), "model"),
        ((model, empty, labels, 3, sizes(2), 1), "images must not be NULL"),
        ((model, images, empty, 3, sizes(2), 1), "labels must not be NULL"),
        ((model, images, one_null, 3, sizes(2), 1), "labels[1] must not be NULL"),
        ((model, images, swapped, 3, sizes(2), 1), "labels[0]"),
        ((model, images, labels, 1, sizes(2), 1), "n_cases must be at least 2"),
        ((model, images, labels, 3, ctypes.POINTER(ctypes.c_int32)(), 1), "support_sizes must not be NULL"),
        ((model, images, labels, 3, sizes(2), 0), "n_sizes must be at least 1"),
        ((model, images, labels, 3, sizes(2, 0), 2), "support_sizes[1] must be at least 1"),
    ]
    for arguments, message in attempts:
        handle = ctypes.c_void_p()
        assert api.uvs_validate(*arguments, options, ctypes.byref(handle)) == INVALID_ARGUMENT, message
        assert message in api.uvs_last_error().decode()
        assert handle.value is None
    assert api.uvs_validate(model, images, labels, 3, sizes(2), 1, options, None) == INVALID_ARGUMENT
    assert b"out_validation" in api.uvs_last_error()
