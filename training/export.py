#!/usr/bin/env python3
"""Exports a training checkpoint as the shipped model: safetensors, float32, published tensor names.

Metadata (safetensors `__metadata__`, all strings):
  uvseg.model          "uvseg-default"
  uvseg.version        revision of the default model ("1")
  uvseg.input_size     native slice size in pixels (square); the workflow resamples slices to it
  uvseg.encoder / uvseg.decoder   widths as "cross:out,cross:out,..." (also implied by the shapes)
  uvseg.training_seed, uvseg.training_steps, uvseg.normalisation

  python3 training/export.py --checkpoint training/runs/default/checkpoint.pt \
      --out models/uvseg-default.safetensors
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uvseg_train.export import averaged_weights, metadata, save_safetensors  # noqa: E402
from uvseg_train.model import model_from_state_dict  # noqa: E402

MAX_BYTES = 5 * 1024 * 1024


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    ckpt = torch.load(a.checkpoint, map_location="cpu")
    model = model_from_state_dict(averaged_weights(ckpt))  # checks that the names and shapes make a network
    meta = metadata(model, ckpt["args"], ckpt["step"])
    a.out.parent.mkdir(parents=True, exist_ok=True)
    save_safetensors(model.state_dict(), a.out, meta)
    size = a.out.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{a.out} is {size} bytes, above the 5 MB limit of the shipped model")
    print(f"wrote {a.out} ({size} bytes, step {ckpt['step']}): {meta}")


if __name__ == "__main__":
    main()
