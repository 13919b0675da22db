"""Slices of 3-D phantoms drawn by tools/make_demo_data.py (with seeds other than the demo's)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

_SCRIPT = Path(__file__).resolve().parents[3] / "tools" / "make_demo_data.py"


def _load_demo_module():
    spec = importlib.util.spec_from_file_location("make_demo_data", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class PhantomBank:
    """A fixed bank of phantom volumes, each normalised to [0, 1] as a whole, with their labels.

    Seeds start at `first_seed`; the demo data uses seeds from make_demo_data.FIRST_SEED, which
    `first_seed` must keep clear of (checked)."""

    def __init__(self, count: int, first_seed: int):
        demo = _load_demo_module()
        if first_seed <= demo.FIRST_SEED + 100 and first_seed + count > demo.FIRST_SEED:
            raise ValueError("phantom seeds overlap those of the demo data")
        self.images, self.labels = [], []
        for k in range(count):
            image, labels = demo.phantom(np.random.default_rng(first_seed + k))
            lo, hi = np.percentile(image, [0.5, 99.5])
            self.images.append(np.clip((image - lo) / (hi - lo), 0, 1).astype(np.float32))
            self.labels.append(labels)

    def __len__(self) -> int:
        return len(self.images)

    def slice(self, volume: int, z: int, label: int) -> tuple[np.ndarray, np.ndarray]:
        return self.images[volume][:, :, z], (self.labels[volume][:, :, z] == label).astype(np.float32)
