"""What a new user of the `uvseg` command meets first: it never writes over its inputs, refuses
repeated and out-of-range options with a message about the value, tells a folder from a missing
file, refuses an image given as a label map, says what it did in one closing line, clears its
progress bar, and reports its version."""
import hashlib
import json
import os
import pty
import re
import subprocess

import nibabel as nib
import numpy as np
import pytest

from volume_phantoms import RAS, small_weights, write_case


def run(command, *arguments):
    return subprocess.run([str(command), *map(str, arguments)], capture_output=True, text=True, timeout=600)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def case(tmp_path):
    """A query, one support pair and the small test network, all in tmp_path."""
    query = write_case(tmp_path, "query", 1)
    support = write_case(tmp_path, "support", 11)
    return tmp_path, query, support, small_weights(tmp_path, "32")


def segment(command, case, *extra):
    folder, query, support, weights = case
    return run(command, "segment", "--query", query[0], "--support", f"{support[0]}:{support[1]}",
               "--weights", weights, *extra)


@pytest.mark.parametrize("option", ["--out", "--probabilities"])
@pytest.mark.parametrize("victim, spelling", [
    ("query", "same name"), ("query", "symbolic link"), ("support image", "hard link"),
    ("support label map", "relative path"), ("--weights file", "same name"),
])
def test_no_output_replaces_an_input(uvseg_command, case, option, victim, spelling):
    folder, query, support, weights = case
    target = {"query": query[0], "support image": support[0], "support label map": support[1],
              "--weights file": weights}[victim]
    if spelling == "symbolic link":
        path = folder / "link.nii.gz"
        path.symlink_to(target)
    elif spelling == "hard link":
        path = folder / "hard.nii.gz"
        os.link(target, path)
    elif spelling == "relative path":
        path = os.path.relpath(target)
    else:
        path = target
    if victim == "--weights file":  # an output must end in .nii(.gz): give the weights that name
        renamed = folder / "weights.nii.gz"
        weights.rename(renamed)
        weights, path = renamed, renamed
        case = (folder, query, support, weights)
    outputs = {"--out": folder / "labels.nii.gz", "--probabilities": folder / "probabilities.nii.gz"}
    outputs[option] = path
    before = {p.name: digest(p) for p in folder.iterdir()}
    result = segment(uvseg_command, case, "--out", outputs["--out"], "--probabilities", outputs["--probabilities"])
    assert result.returncode != 0
    assert f"is the {victim}" in result.stderr and "never writes over its inputs" in result.stderr
    assert {p.name: digest(p) for p in folder.iterdir()} == before


def test_two_outputs_that_are_one_file_are_refused(uvseg_command, case):
    folder = case[0]
    result = segment(uvseg_command, case, "--out", folder / "x.nii.gz",
                     "--probabilities", folder / ".." / folder.name / "x.nii.gz")
    assert result.returncode != 0 and "name the same file" in result.stderr
    assert not (folder / "x.nii.gz").exists()


@pytest.mark.parametrize("repeated", ["--query", "--out", "--support-size", "--plane", "--weights"])
def test_an_option_that_takes_one_value_is_not_repeated(uvseg_command, case, repeated):
    folder, query, support, weights = case
    values = {"--query": query[0], "--out": folder / "second.nii.gz", "--support-size": "8", "--plane": "coronal",
              "--weights": weights}
    given = {"--out": folder / "first.nii.gz", "--support-size": "4", "--plane": "axial"}
    result = segment(uvseg_command, case, *[str(x) for pair in given.items() for x in pair],
                     f"{repeated}={values[repeated]}")
    assert result.returncode != 0
    assert f"{repeated} takes one value and may be given only once" in result.stderr
    assert not (folder / "first.nii.gz").exists() and not (folder / "second.nii.gz").exists()


def test_repeatable_options_may_repeat(uvseg_command, case):
    folder, query, support, weights = case
    result = segment(uvseg_command, case, "--out", folder / "out.nii.gz", "--support", f"{support[0]}:{support[1]}")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("option, value, message", [
    ("--support-size", "-3", "the support size must be at least 1, got -3"),
    ("--threads", "-1", "--threads must be from 1 to"),
    ("--ensemble", "-2", "got -2"),
])
def test_negative_numbers_get_a_message_about_the_value(uvseg_command, case, option, value, message):
    result = segment(uvseg_command, case, "--out", case[0] / "out.nii.gz", option, value)
    assert result.returncode != 0
    assert message in result.stderr and "Missing value" not in result.stderr


def test_a_negative_ct_window_level_is_a_value(uvseg_command, case):
    result = segment(uvseg_command, case, "--out", case[0] / "out.nii.gz", "--ct-window", "-600,1500")
    assert result.returncode == 0, result.stderr


def test_threads_help_names_one_default(uvseg_command):
    help_text = run(uvseg_command, "segment", "--help").stdout
    entry = help_text[help_text.index("  --threads <"):].split("\n  -")[0]  # its own entry, not a mention
    assert entry.count("default") == 1


@pytest.mark.parametrize("command", ["segment", "evaluate"])
def test_a_folder_given_as_a_file_is_called_a_folder(uvseg_command, case, command):
    folder, query, support, weights = case
    if command == "segment":
        result = run(uvseg_command, "segment", "--query", folder, "--support", f"{support[0]}:{support[1]}",
                     "--out", folder / "out.nii.gz")
    else:
        result = run(uvseg_command, "evaluate", "--pred", folder, "--truth", support[1])
    assert result.returncode != 0
    assert f"{folder} is a folder" in result.stderr and "no such file" not in result.stderr


def test_evaluate_refuses_an_image_as_the_prediction(uvseg_command, tmp_path):
    labels = np.zeros((20, 20, 4), np.uint8)
    labels[5:15, 5:15] = 1
    image = np.arange(labels.size, dtype=np.int16).reshape(labels.shape)  # whole numbers, one per voxel
    nib.save(nib.Nifti1Image(labels, RAS), tmp_path / "truth.nii.gz")
    nib.save(nib.Nifti1Image(image, RAS), tmp_path / "image.nii.gz")
    result = run(uvseg_command, "evaluate", "--pred", tmp_path / "image.nii.gz", "--truth", tmp_path / "truth.nii.gz")
    assert result.returncode != 0 and result.stdout == ""
    assert "is it an image rather than a label map?" in result.stderr
    chosen = run(uvseg_command, "evaluate", "--pred", tmp_path / "image.nii.gz", "--truth", tmp_path / "truth.nii.gz",
                 "--labels", "1", "--json")
    assert chosen.returncode == 0, chosen.stderr
    assert list(json.loads(chosen.stdout)["labels"]) == ["1"]


def test_evaluate_refuses_a_prediction_off_the_truth_grid(uvseg_command, tmp_path):
    labels = np.zeros((20, 20, 4), np.uint8)
    nib.save(nib.Nifti1Image(labels, RAS), tmp_path / "truth.nii.gz")
    shifted = RAS.copy()
    shifted[0, 3] = 5
    nib.save(nib.Nifti1Image(labels, shifted), tmp_path / "pred.nii.gz")
    result = run(uvseg_command, "evaluate", "--pred", tmp_path / "pred.nii.gz", "--truth", tmp_path / "truth.nii.gz")
    assert result.returncode != 0 and "not on the grid" in result.stderr


def test_closing_lines_say_what_was_done(uvseg_command, case):
    folder, query, support, weights = case
    out = folder / "out.nii.gz"
    written = segment(uvseg_command, case, "--out", out)
    assert written.returncode == 0 and written.stdout == ""
    assert re.fullmatch(rf"uvseg: segmented {re.escape(str(query[0]))} \(2 labels\); wrote labels to "
                        rf"{re.escape(str(out))} in \d+\.\d s\n", written.stderr)
    quiet = segment(uvseg_command, case, "--out", folder / "quiet.nii.gz", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    evaluated = run(uvseg_command, "evaluate", "--pred", out, "--truth", support[1], "--json")
    assert json.loads(evaluated.stdout)["labels"]  # standard output stays pure JSON
    assert re.fullmatch(r"uvseg: compared .* with .*: 2 labels in \d+\.\d s\n", evaluated.stderr)


def run_on_terminal(command, *arguments):
    """Runs the command with a pseudo-terminal as standard error; returns (exit code, what it drew)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([str(command), *map(str, arguments)], stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    os.close(controller)
    process.stdout.read()
    return process.wait(timeout=600), drawn.decode()


def test_progress_bar_is_cleared_when_done(uvseg_command, case):
    folder, query, support, weights = case
    code, drawn = run_on_terminal(uvseg_command, "segment", "--query", query[0], "--support",
                                  f"{support[0]}:{support[1]}", "--weights", weights, "--out", folder / "out.nii.gz")
    assert code == 0
    bar, closing = drawn.rsplit("\r\x1b[K", 1)  # the last frame is erased before the closing line
    assert "100%" in bar
    assert closing.startswith("uvseg: segmented ") and "[" not in closing


def test_validate_progress_names_case_and_support_size(uvseg_command, tmp_path):
    cases = [write_case(tmp_path, f"case{n}", 30 + n) for n in range(3)]
    arguments = ["validate", "--weights", small_weights(tmp_path, "32"), "--support-sizes", "2,4"]
    for image, labels in cases:
        arguments += ["--case", f"{image}:{labels}"]
    code, drawn = run_on_terminal(uvseg_command, *arguments)
    assert code == 0
    captions = set(re.findall(r"case (\d) of 3, support size (\d)", drawn))
    assert captions == {(str(n), str(s)) for n in (1, 2, 3) for s in (2, 4)}
    assert re.search(r"uvseg: validated 3 cases leave-one-out at support sizes 2, 4 in \d+\.\d s", drawn)


def test_version(uvseg_command, libuvseg):
    short = run(uvseg_command, "--version")
    assert short.returncode == 0 and short.stdout.strip() == libuvseg.uvs_version().decode()
    report = json.loads(run(uvseg_command, "version", "--json").stdout)
    assert report["uvseg"] == libuvseg.uvs_version().decode()
    assert report["built_in_model"]["name"] == "uvseg-default" and report["built_in_model"]["input_size"] == 128
