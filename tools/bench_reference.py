#!/usr/bin/env python3
"""Times uvseg and the PyTorch reference on the same configurations in one run; prints the ratio.

For each support size S and query count Q: ``uvseg bench --single S,Q`` (one child process per
configuration, so its peak memory is its own) and the reference network of
tools/reference/universeg_reference.py (also one child process per configuration) with random
weights of the published widths on random 128 x 128 inputs; with --onnx, also that network
exported to ONNX Runtime (CPU, the same thread count; needs onnx and onnxruntime). Times are
medians of the repeats, per query slice. The reference shares no work between queries, so its
time per query does not depend on Q: it is measured at Q = 1 and reused for larger Q (running it
on 24 queries at S = 64 would need tens of GB). Needs torch; the library never does.

With --rounds N, every configuration of an S is timed N times in turn (reference, ONNX Runtime,
uvseg at each Q), each figure is the median over the rounds, and each ratio the median of the
rounds' ratios: on a shared machine whose load drifts, the two sides of a ratio then ran under
the same load.

    python3 tools/bench_reference.py --uvseg .build/release/uvseg-cli --threads 2 --onnx --rounds 3
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def parse_line(text: str) -> dict[str, str]:
    """The key=value fields of the one result line a child prints."""
    lines = [line for line in text.splitlines() if "seconds_per_query=" in line]
    if len(lines) != 1:
        raise RuntimeError(f"expected one result line, got:\n{text}")
    return dict(field.split("=", 1) for field in lines[0].split())


def time_reference(supports: int, repeats: int, threads: int, size: int) -> None:
    """Child mode: times the reference on one query and prints its result line."""
    import torch

    torch.set_num_threads(threads)
    model, inputs = reference_inputs(supports, size)
    seconds = []
    with torch.inference_mode():
        for _ in range(repeats):
            start = time.perf_counter()
            model(*inputs)
            seconds.append(time.perf_counter() - start)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"S={supports} seconds_per_query={statistics.median(seconds):.4f} peak_rss_mib={peak_mib:.0f}")


def reference_inputs(supports: int, size: int):
    """The reference network with seeded random weights, and random inputs for S members."""
    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
    from universeg_reference import UniverSegReference

    torch.manual_seed(0)
    model = UniverSegReference().eval()
    query = torch.rand(1, 1, size, size)
    images = torch.rand(1, supports, 1, size, size)
    labels = (torch.rand(1, supports, 1, size, size) < 0.3).float()
    return model, (query, images, labels)


def export_onnx(supports: int, size: int, path: str) -> None:
    """Child mode: writes the reference network for S members as an ONNX graph."""
    import torch

    model, inputs = reference_inputs(supports, size)
    with torch.no_grad():
        torch.onnx.export(model, inputs, path, input_names=["query", "images", "labels"], dynamo=False, opset_version=17)


def time_onnx(supports: int, repeats: int, threads: int, size: int, path: str) -> None:
    """Child mode: times the ONNX graph in ONNX Runtime (CPU) on one query; prints its result line."""
    import numpy as np
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    generator = np.random.default_rng(0)
    feeds = {
        "query": generator.random((1, 1, size, size), dtype=np.float32),
        "images": generator.random((1, supports, 1, size, size), dtype=np.float32),
        "labels": (generator.random((1, supports, 1, size, size)) < 0.3).astype(np.float32),
    }
    session.run(None, feeds)  # the first run plans memory; not timed
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        session.run(None, feeds)
        seconds.append(time.perf_counter() - start)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"S={supports} seconds_per_query={statistics.median(seconds):.4f} peak_rss_mib={peak_mib:.0f}")


def run(command: list[str]) -> dict[str, str]:
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return parse_line(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uvseg", default=".build/release/uvseg-cli", help="the uvseg command (release build)")
    parser.add_argument("--supports", default="1,8,16,64")
    parser.add_argument("--queries", default="1,24")
    parser.add_argument("--repeats", type=int, default=3, help="timed calls per configuration of one query")
    parser.add_argument("--batch-repeats", type=int, default=1, help="timed calls per configuration of several queries")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--onnx", action="store_true", help="also time the reference exported to ONNX Runtime")
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of every configuration; each figure is the median over the rounds")
    parser.add_argument("--reference-single", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--export-onnx", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--onnx-single", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--onnx-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_single is not None:
        time_reference(args.reference_single, args.repeats, args.threads, args.size)
        return
    if args.export_onnx is not None:
        export_onnx(args.export_onnx, args.size, args.onnx_file)
        return
    if args.onnx_single is not None:
        time_onnx(args.onnx_single, args.repeats, args.threads, args.size, args.onnx_file)
        return

    supports = [int(value) for value in args.supports.split(",")]
    queries = [int(value) for value in args.queries.split(",")]
    print(f"threads={args.threads} size={args.size}x{args.size} rounds={args.rounds}"
          " (medians; reference queries timed at Q=1; ratios: median of each round's ratio)")
    # GFLOP: the arithmetic uvseg performs (Winograd GEMMs and transforms); direct: the same
    # convolutions done directly, the work of a plain implementation.
    header = (f"{'S':>3} {'Q':>3} {'uvseg s/query':>13} {'GFLOP/query':>11} {'GFLOP/s':>8} {'direct GFLOP':>12}"
              f" {'direct GFLOP/s':>14} {'uvseg MiB':>9} {'torch s/query':>13} {'torch MiB':>9} {'speed-up':>8}")
    if args.onnx:
        header += f" {'onnx s/query':>12} {'onnx MiB':>8} {'vs onnx':>7}"
    print(header)
    with tempfile.TemporaryDirectory() as folder:
        for s in supports:
            graph = str(Path(folder) / f"reference_s{s}.onnx")
            if args.onnx:
                subprocess.run([
                    sys.executable, __file__, "--export-onnx", str(s), "--size", str(args.size), "--onnx-file", graph],
                    check=True, capture_output=True)
            # Each round times every configuration of this S once, one after the other, so that a
            # ratio compares runs made under the same load of a shared machine.
            rounds = []
            for _ in range(args.rounds):
                reference = run([
                    sys.executable, __file__, "--reference-single", str(s), "--repeats", str(args.repeats),
                    "--threads", str(args.threads), "--size", str(args.size)])
                onnx = None
                if args.onnx:
                    onnx = run([
                        sys.executable, __file__, "--onnx-single", str(s), "--onnx-file", graph, "--repeats", str(args.repeats),
                        "--threads", str(args.threads), "--size", str(args.size)])
                ours = {q: run([
                    args.uvseg, "bench", "--single", f"{s},{q}", "--repeats", str(args.repeats if q == 1 else args.batch_repeats),
                    "--threads", str(args.threads), "--size", str(args.size)]) for q in queries}
                rounds.append((reference, onnx, ours))
            for q in queries:
                print(table_row(s, q, rounds), flush=True)


def table_row(s: int, q: int, rounds: list) -> str:
    """One row of the table: medians over the rounds, ratios as the median of each round's ratio."""
    def median(values) -> float:
        return statistics.median(float(value) for value in values)

    ours = [round_ours[q] for _, _, round_ours in rounds]
    seconds = median(run["seconds_per_query"] for run in ours)
    reference = median(reference["seconds_per_query"] for reference, _, _ in rounds)
    speed_up = median(float(ref["seconds_per_query"]) / float(round_ours[q]["seconds_per_query"])
                      for ref, _, round_ours in rounds)
    row = (
        f"{s:>3} {q:>3} {seconds:>13.3f} {float(ours[0]['gflop_per_query']):>11.2f}"
        f" {median(run['gflops'] for run in ours):>8.1f} {float(ours[0]['direct_gflop_per_query']):>12.2f}"
        f" {median(run['direct_gflops'] for run in ours):>14.1f} {max(int(run['peak_rss_mib']) for run in ours):>9}"
        f" {reference:>13.3f} {max(int(ref['peak_rss_mib']) for ref, _, _ in rounds):>9} {speed_up:>7.1f}x")
    if rounds[0][1]:
        onnx = median(onnx["seconds_per_query"] for _, onnx, _ in rounds)
        versus = median(float(onnx["seconds_per_query"]) / float(round_ours[q]["seconds_per_query"])
                        for _, onnx, round_ours in rounds)
        row += f" {onnx:>12.3f} {max(int(onnx['peak_rss_mib']) for _, onnx, _ in rounds):>8} {versus:>6.1f}x"
    return row

if __name__ == "__main__":
    main()
