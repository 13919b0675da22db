#!/usr/bin/env python3
"""Times `uvseg segment` end to end on a 24-slice series at S = 64, I/O included.

The network has the published widths (4 encoder blocks of (64, 64), 128 x 128 input) with random
weights written to a temporary safetensors file; the query is demo case 1 (24 axial slices) and
the support the labelled slices of demo cases 2 to 6, one label. Each support strategy runs in its
own child process: `position` gives every slice its own support set, `random` one set shared by
all slices (batched through the network 16 slices at a time). Prints wall time, time per slice
and the child's peak resident memory. Needs numpy and safetensors, not torch.

    python3 tools/bench_series.py --uvseg .build/release/uvseg-cli --threads 2
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "examples" / "data"
ENCODER_BLOCKS = 4
FEATURES = 64


def published_width_weights(seed: int) -> dict[str, np.ndarray]:
    """He-normal weights and small biases under the published checkpoint's tensor names."""
    generator = np.random.default_rng(seed)
    tensors: dict[str, np.ndarray] = {}

    def convolution(name: str, outputs: int, inputs: int, size: int = 3) -> None:
        fan_in = inputs * size * size
        tensors[f"{name}.weight"] = (generator.standard_normal((outputs, inputs, size, size)) * np.sqrt(2 / fan_in)).astype(np.float32)
        tensors[f"{name}.bias"] = ((generator.random(outputs) - 0.5) * 0.2).astype(np.float32)

    for index in range(ENCODER_BLOCKS):
        cross_inputs = 3 if index == 0 else 2 * FEATURES
        convolution(f"enc_blocks.{index}.cross.cross_conv", FEATURES, cross_inputs)
        convolution(f"enc_blocks.{index}.target.vmapped.conv", FEATURES, FEATURES)
        convolution(f"enc_blocks.{index}.support.vmapped.conv", FEATURES, FEATURES)
    for index in range(ENCODER_BLOCKS - 1):
        convolution(f"dec_blocks.{index}.cross.cross_conv", FEATURES, 4 * FEATURES)
        convolution(f"dec_blocks.{index}.target.vmapped.conv", FEATURES, FEATURES)
        convolution(f"dec_blocks.{index}.support.vmapped.conv", FEATURES, FEATURES)
    convolution("out_conv.conv", 1, FEATURES, size=1)
    return tensors


def run_series(uvseg: str, weights: Path, strategy: str, threads: int, output: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one `uvseg segment` child: the network alone on the
    support as stored, along the axial plane (what this benchmark has always timed, whatever the
    command's defaults)."""
    supports = [arg for case in range(2, 7) for arg in ("--support", f"{DATA}/case0{case}_image.nii.gz:{DATA}/case0{case}_label.nii.gz")]
    command = [
        uvseg, "segment", "--query", str(DATA / "case01_image.nii.gz"), *supports,
        "--out", str(output), "--weights", str(weights), "--labels", "1", "--support-size", "64",
        "--strategy", strategy, "--align", "none", "--method", "network", "--plane", "axial",
        "--threads", str(threads), "--quiet",
    ]
    start = time.perf_counter()
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"uvseg segment failed: {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uvseg", default=".build/release/uvseg-cli", help="the uvseg command (release build)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="runs per strategy (the median is printed)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        weights = Path(folder) / "published-widths.safetensors"
        save_file(published_width_weights(seed=0), str(weights))
        print(f"threads={args.threads} series=24 slices (demo case 1) S=64 input=128x128 label=1")
        print(f"{'strategy':>9} {'seconds':>8} {'s/slice':>8} {'peak MiB':>9}")
        for strategy in ("position", "random"):
            runs = [run_series(args.uvseg, weights, strategy, args.threads, Path(folder) / f"{strategy}.nii.gz")
                    for _ in range(args.repeats)]
            seconds = sorted(run[0] for run in runs)[len(runs) // 2]
            peak = max(run[1] for run in runs)
            print(f"{strategy:>9} {seconds:>8.2f} {seconds / 24:>8.3f} {peak:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
