"""uvseg.validate: the report `uvseg validate --json` prints, its accessors, and argument checks."""
import json
import subprocess

import numpy as np
import pytest

import uvseg
from conftest import COMMAND, WEIGHTS

QUICK = dict(input_size=32, labels=[1])


def test_the_report_equals_the_commands(model, cases):
    images, labels = [image for image, _ in cases], [labels for _, labels in cases]
    validation = uvseg.validate(model, images, labels, support_sizes=[2, 3], labels=[1, 2])
    command = [str(COMMAND), "validate", "--weights", str(WEIGHTS), "--support-sizes", "2,3", "--labels", "1,2",
               "--json", "--quiet"] + [argument for image, label_map in cases for argument in ("--case", f"{image}:{label_map}")]
    completed = subprocess.run(command, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    expected = json.loads(completed.stdout)
    for case in expected["cases"]:
        del case["files"]  # the command's only addition: the files it was given
    assert validation.report == expected
    assert [(case["case"], case["support_size"]) for case in validation.cases] == [
        (case, size) for size in (2, 3) for case in (1, 2, 3)]
    for row in validation.summary:
        assert validation.mean_dice(row["support_size"], row["label"]) == pytest.approx(row["dice"]["mean"])
    assert "support" in validation.table() and len(validation.table().splitlines()) == 1 + len(validation.summary)
    # Three segmentations at a time: the same report, progress as each finishes.
    seen = []
    side_by_side = uvseg.validate(model, images, labels, support_sizes=[2, 3], labels=[1, 2], jobs=3,
                                  progress=lambda fraction, stage: seen.append((fraction, stage)))
    assert side_by_side.report == validation.report
    assert seen == [((done + 1) / 6, "validating") for done in range(6)]


def test_bad_arguments_are_refused(model, cases):
    images, labels = [image for image, _ in cases], [labels for _, labels in cases]
    validation = uvseg.validate(model, images[:2], labels[:2], support_sizes=[2], **QUICK)
    with pytest.raises(uvseg.InvalidArgumentError, match="2"):
        validation.mean_dice(support_size=5, label=1)
    with pytest.raises(uvseg.InvalidArgumentError, match="2|case"):
        uvseg.validate(model, images[:1], labels[:1], support_sizes=[2], **QUICK)
    with pytest.raises(TypeError, match="support_sizes"):
        uvseg.validate(model, images, labels, support_size=4)
    with pytest.raises(ValueError, match="3 images but 2 label maps"):
        uvseg.validate(model, images, labels[:2])
    for jobs in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="jobs must be a whole number"):
            uvseg.validate(model, images, labels, support_sizes=[2], jobs=jobs, **QUICK)
    with pytest.raises(uvseg.InvalidArgumentError, match="jobs must be from 1 to 1024"):
        uvseg.validate(model, images, labels, support_sizes=[2], jobs=2000, **QUICK)
    with pytest.raises(uvseg.CancelledError):
        uvseg.validate(model, images, labels, support_sizes=[2], progress=lambda fraction, stage: True, **QUICK)
    assert np.isfinite(validation.mean_dice(2, 1))
