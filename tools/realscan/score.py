#!/usr/bin/env python3
"""Scores the shipped `uvseg segment` on real-scan cases (folders written by make_cases.py):
Dice of white matter (1) and grey matter (2) against the query's true labels, for each support
size and each variant of options, beside the 'copy' baselines (the support's labels carried onto
the query's grid by world coordinates: unaligned, and through the case's known pose when it has
one). Writes results.md and results.json.

    score.py data/same-pose data/other-pose --variant default= \\
        --variant "affine=--align affine"
"""

import argparse
import json
import os
import shlex
import subprocess
import time
from pathlib import Path

import nibabel as nib
import numpy as np

import metrics
import resample

LABELS = {1: "WM", 2: "GM"}
REPOSITORY = Path(__file__).resolve().parents[2]
DEFAULT_COMMAND = REPOSITORY / ".build-ship" / "release" / "uvseg-cli"


def load(path):
    image = nib.load(path)
    return np.asarray(image.dataobj), image.affine


def on_grid(labels, affine, shape, target_affine):
    """The label map itself when it is on the target grid, else carried there by world coordinates."""
    if labels.shape == tuple(shape) and np.allclose(affine, target_affine, atol=1e-4):
        return labels
    return resample.resample_labels(labels, affine, shape, target_affine)


def scores(prediction, prediction_affine, truth, truth_affine):
    labels = on_grid(prediction, prediction_affine, truth.shape, truth_affine)
    return {LABELS[label]: value
            for label, value in metrics.dice_per_label(labels, truth, LABELS).items()}


def copy_baselines(case):
    """{method: Dice}: the support's labels copied unaligned, and, when case.json records a pose
    other than the identity, copied through that known pose (what a perfect rigid alignment gives,
    the deformation left)."""
    support, support_affine = load(case / "support_labels.nii.gz")
    truth, truth_affine = load(case / "query_truth.nii.gz")
    baselines = {"copy (unaligned)": scores(support, support_affine, truth, truth_affine)}
    facts = case / "case.json"
    if facts.exists():
        pose = np.array(json.loads(facts.read_text())["pose_template_to_query"])
        if not np.allclose(pose, np.eye(4)):
            baselines["copy (known pose)"] = scores(support, pose @ support_affine,
                                                    truth, truth_affine)
    return baselines


def segment(command, case, support_size, extra, out):
    """Runs `uvseg segment` once; (Dice per label or None, seconds, error text or None)."""
    arguments = [str(command), "segment", "--query", str(case / "query_image.nii.gz"),
                 "--support", f"{case / 'support_image.nii.gz'}:{case / 'support_labels.nii.gz'}",
                 "--support-size", str(support_size), "--out", str(out), "--quiet", *extra]
    start = time.perf_counter()
    finished = subprocess.run(arguments, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if finished.returncode != 0:
        return None, seconds, (finished.stderr or finished.stdout).strip()
    truth, truth_affine = load(case / "query_truth.nii.gz")
    prediction, prediction_affine = load(out)
    return scores(prediction, prediction_affine, truth, truth_affine), seconds, None


def parse_variant(text):
    """NAME=ARGS -> (NAME, [args]); ARGS are passed to `uvseg segment` as the shell would split them."""
    name, _, arguments = text.partition("=")
    if not name:
        raise argparse.ArgumentTypeError(f"variant {text!r} has no name (NAME=ARGS)")
    return name, shlex.split(arguments)


def markdown(rows):
    lines = ["| case | method | S | WM Dice | GM Dice | seconds |", "|---|---|---|---|---|---|"]
    for row in rows:
        if row["dice"] is None:
            cells = ["failed", "failed", f"{row['seconds']:.1f}"]
        else:
            seconds = "" if row["seconds"] is None else f"{row['seconds']:.1f}"
            cells = [f"{row['dice']['WM']:.3f}", f"{row['dice']['GM']:.3f}", seconds]
        size = "" if row["support_size"] is None else str(row["support_size"])
        lines.append("| " + " | ".join([row["case"], row["method"], size, *cells]) + " |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="+", type=Path, help="case folders from make_cases.py")
    parser.add_argument("--command", type=Path,
                        default=Path(os.environ.get("UVSEG_CLI", DEFAULT_COMMAND)),
                        help="the uvseg command (default: $UVSEG_CLI, else "
                             ".build-ship/release/uvseg-cli of this repository)")
    parser.add_argument("--support-sizes", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--variant", type=parse_variant, action="append",
                        help="NAME=ARGS: extra `uvseg segment` options scored under NAME; "
                             "repeat for more (default: one variant 'default' with none)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "scores",
                        help="folder for results.md, results.json and the label maps")
    arguments = parser.parse_args()
    variants = arguments.variant or [("default", [])]
    if not arguments.command.exists():
        parser.error(f"{arguments.command} does not exist (build it with `make ship`)")
    arguments.out.mkdir(parents=True, exist_ok=True)

    rows = []
    for case in arguments.cases:
        for method, dice in copy_baselines(case).items():
            rows.append({"case": case.name, "method": method, "support_size": None,
                         "arguments": [], "dice": dice, "seconds": None})
            print(markdown(rows[-1:]).splitlines()[-1], flush=True)
        for name, extra in variants:
            for size in arguments.support_sizes:
                out = arguments.out / f"{case.name}_{name}_S{size}.nii.gz"
                dice, seconds, error = segment(arguments.command, case, size, extra, out)
                row = {"case": case.name, "method": name, "support_size": size,
                       "arguments": extra, "dice": dice, "seconds": seconds}
                if error:
                    row["error"] = error
                rows.append(row)
                print(markdown(rows[-1:]).splitlines()[-1] + (f" {error}" if error else ""),
                      flush=True)
    (arguments.out / "results.json").write_text(json.dumps(
        {"command": str(arguments.command), "rows": rows}, indent=2) + "\n")
    (arguments.out / "results.md").write_text(markdown(rows))
    print(f"\n{markdown(rows)}\nwritten: {arguments.out / 'results.md'}, "
          f"{arguments.out / 'results.json'}")


if __name__ == "__main__":
    main()
