#!/usr/bin/env python3
"""Averages the weights of networks fine-tuned from one start into one network (a model soup).

  python3 training/average.py --out soup.safetensors a.safetensors b.safetensors:2 c.safetensors

Each input is FILE or FILE:WEIGHT (default weight 1). --width widens narrower inputs first, with
--widen-seed (the seed the fine-tuned runs were widened with: train.py's --seed). The output keeps
the first input's metadata, with uvseg.training_steps "average" and the widths of the result.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safetensors import safe_open
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uvseg_train.average import average  # noqa: E402
from uvseg_train.export import save_safetensors, widths_text  # noqa: E402
from uvseg_train.model import model_from_state_dict  # noqa: E402


def weighted_path(text: str) -> tuple[Path, float]:
    path, sep, weight = text.rpartition(":")
    if not sep or not weight.replace(".", "", 1).isdigit():
        return Path(text), 1.0
    return Path(path), float(weight)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", type=weighted_path, help="FILE.safetensors[:WEIGHT]")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--width", type=int, help="widen narrower inputs to this many features first")
    p.add_argument("--widen-seed", type=int, default=0)
    a = p.parse_args(argv)
    with safe_open(str(a.inputs[0][0]), "pt") as f:
        meta = dict(f.metadata() or {})
    soup = average([load_file(str(path)) for path, _ in a.inputs], [w for _, w in a.inputs],
                   a.width, a.widen_seed)
    model = model_from_state_dict(soup)  # checks that the names and shapes make a network
    meta.update({"uvseg.training_steps": "average", "uvseg.encoder": widths_text(model.encoder_widths),
                 "uvseg.decoder": widths_text(model.decoder_widths)})
    save_safetensors(soup, a.out, meta)
    print(f"wrote {a.out}: " + ", ".join(f"{path} x {w:g}" for path, w in a.inputs))


if __name__ == "__main__":
    main()
