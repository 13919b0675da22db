#!/usr/bin/env python3
"""Exports a training checkpoint, or a run's snapshot (stepNNNNNN.safetensors), as the shipped model:
safetensors, float32, published tensor names; a snapshot keeps its metadata, stamped with this
revision of the default model.

Metadata (safetensors `__metadata__`, all strings):
  uvseg.model          "uvseg-default"
  uvseg.version        revision of the default model (uvseg_train.export.MODEL_VERSION)
  uvseg.input_size     native slice size in pixels (square); the workflow resamples slices to it
  uvseg.encoder / uvseg.decoder   widths as "cross:out,cross:out,..." (also implied by the shapes)
  uvseg.training_seed, uvseg.training_steps, uvseg.normalisation

  python3 training/export.py --checkpoint training/runs/default/checkpoint.pt \
      --out models/uvseg-default.safetensors
  python3 training/export.py --checkpoint training/runs/several/step004000.safetensors \
      --out models/uvseg-default.safetensors
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uvseg_train.export import MODEL_VERSION, averaged_weights, metadata, save_safetensors  # noqa: E402
from uvseg_train.model import model_from_state_dict  # noqa: E402

MAX_BYTES = 5 * 1024 * 1024


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", type=Path, required=True, help="checkpoint.pt or stepNNNNNN.safetensors")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    if a.checkpoint.suffix == ".safetensors":
        with safe_open(str(a.checkpoint), "pt") as f:
            meta = {**(f.metadata() or {}), "uvseg.version": MODEL_VERSION}
        model = model_from_state_dict(load_file(str(a.checkpoint)))  # checks names and shapes
    else:
        ckpt = torch.load(a.checkpoint, map_location="cpu")
        model = model_from_state_dict(averaged_weights(ckpt))  # checks that the names and shapes make a network
        meta = metadata(model, ckpt["args"], ckpt["step"])
    a.out.parent.mkdir(parents=True, exist_ok=True)
    save_safetensors(model.state_dict(), a.out, meta)
    size = a.out.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{a.out} is {size} bytes, above the 5 MB limit of the shipped model")
    print(f"wrote {a.out} ({size} bytes, step {meta['uvseg.training_steps']}): {meta}")


if __name__ == "__main__":
    main()
