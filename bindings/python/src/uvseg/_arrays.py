"""numpy arrays as the library's float32 buffers, converted only when they must be."""
from __future__ import annotations

from typing import Any

import numpy as np


def float32_buffer(values: Any, what: str, *, order: str = "C", allow_integers: bool = False) -> np.ndarray:
    """`values` as a contiguous float32 array in `order` ("C" row-major, "F" i fastest).

    An array that already is float32 and contiguous in that order is returned as it is (no copy).
    Floating dtypes are converted; bool and integer dtypes only where `allow_integers` (labels),
    since integer images are rarely scaled to [0, 1] as the network expects.
    """
    array = np.asarray(values)
    kind = array.dtype.kind
    accepted = "f" + ("biu" if allow_integers else "")
    if kind not in accepted:
        expected = "a float, integer or bool" if allow_integers else "a float"
        hint = "" if allow_integers else " (scale images to [0, 1] first)"
        raise TypeError(f"{what} must have {expected} dtype, got {array.dtype}{hint}")
    if order == "F":
        return np.asfortranarray(array, dtype=np.float32)
    return np.ascontiguousarray(array, dtype=np.float32)


def require_shape(array: np.ndarray, shape: tuple, what: str) -> None:
    """Raises ValueError unless `array` has exactly `shape`: the library cannot check lengths."""
    if tuple(array.shape) != tuple(shape):
        raise ValueError(f"{what} has shape {tuple(array.shape)}, expected {tuple(shape)}")
