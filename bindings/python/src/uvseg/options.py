"""Settings of volume segmentation and validation (uvs_options), given as keyword arguments.

Each setting maps to one uvs_options_set_* function; a setting left at None keeps the library's
default, so the defaults are documented (and decided) in one place: include/uvseg.h. A setting
the library adds later takes one entry in `_SETTERS`.
"""
from __future__ import annotations

import ctypes
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np

from ._handle import Handle
from ._library import HANDLE, HANDLE_OUT, PROGRESS_FUNCTION, STATUS, CFunction, function, int32_argument
from .errors import CancelledError

ProgressCallback = Callable[[float, str], Optional[bool]]
"""Called with the fraction done in [0, 1] and a stage name; return True to cancel."""

_create = function("uvs_options_create", STATUS, HANDLE_OUT)
_free = function("uvs_options_free", None, HANDLE)
_set_progress = function("uvs_options_set_progress", STATUS, HANDLE, PROGRESS_FUNCTION, ctypes.c_void_p)

PLANES = {"axial": 0, "coronal": 1, "sagittal": 2, "all": 3, "auto": 4}
STRATEGIES = {"position": 0, "random": 1, "similar": 2}
ALIGNMENTS = {"none": 0, "affine": 1, "deformable": 2}
METHODS = {"network": 0, "atlas": 1, "fused": 2}
FUSIONS = {"majority": 0, "local": 1}


def _choice(names: Dict[str, int], what: str) -> Callable[[Any], Tuple[int]]:
    def convert(value: Any) -> Tuple[int]:
        if value not in names:
            raise ValueError(f"{what} must be one of {', '.join(map(repr, names))}, got {value!r}")
        return (names[value],)
    return convert


def _int32(what: str) -> Callable[[Any], Tuple[int]]:
    return lambda value: (int32_argument(int(value), what),)


def _flag(value: Any) -> Tuple[int]:
    return (1 if value else 0,)


def _pair(value: Sequence[float]) -> Tuple[float, float]:
    first, second = value
    return (float(first), float(second))


def _labels(value: Sequence[int]) -> Tuple[Any, int]:
    labels = np.ascontiguousarray(value, dtype=np.int32)
    return (labels.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)), int32_argument(labels.size, "the label count"))


def _setter(name: str, *argtypes: Any) -> CFunction:
    return function(f"uvs_options_set_{name}", STATUS, HANDLE, *argtypes)


_i32, _f64 = ctypes.c_int32, ctypes.c_double
# keyword: (C setter, conversion of the Python value to the setter's arguments)
_SETTERS: Dict[str, Tuple[CFunction, Callable[[Any], tuple]]] = {
    "align": (_setter("alignment", _i32), _choice(ALIGNMENTS, "align")),
    "method": (_setter("method", _i32), _choice(METHODS, "method")),
    "fusion": (_setter("fusion", _i32), _choice(FUSIONS, "fusion")),
    "plane": (_setter("plane", _i32), _choice(PLANES, "plane")),
    "strategy": (_setter("strategy", _i32), _choice(STRATEGIES, "strategy")),
    "support_size": (_setter("support_size", _i32), _int32("support_size")),
    "empty_share": (_setter("empty_share", _f64), lambda value: (float(value),)),
    "ensemble": (_setter("ensemble", _i32), _int32("ensemble")),
    "flip_augmentation": (_setter("flip_augmentation", _i32), _flag),
    "labels": (_setter("labels", ctypes.POINTER(_i32), _i32), _labels),
    "largest_component": (_setter("largest_component", _i32), _flag),
    "fill_holes": (_setter("fill_holes", _i32), _flag),
    "seed": (_setter("seed", ctypes.c_uint64), lambda value: (int(value),)),
    "percentiles": (_setter("percentiles", _f64, _f64), _pair),
    "ct_window": (_setter("ct_window", _f64, _f64), _pair),
    "bias_correction": (_setter("bias_correction", _i32), _flag),
    "intensity_refinement": (_setter("intensity_refinement", _i32), _flag),
    "input_size": (_setter("input_size", _i32), _int32("input_size")),
    "threads": (_setter("threads", _i32), _int32("threads")),
}
SETTINGS = tuple(_SETTERS)


class Options(Handle):
    """A uvs_options filled from keyword settings, with an optional progress callback.

    Used by one call at a time. `call()` runs a library function with these options and turns a
    cancellation caused by an exception in the callback back into that exception.
    """

    _free = _free

    def __init__(self, settings: Mapping[str, Any], progress: Optional[ProgressCallback] = None):
        unknown = sorted(set(settings) - set(_SETTERS))
        if unknown:
            raise TypeError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(SETTINGS)}")
        handle = ctypes.c_void_p()
        _create(ctypes.byref(handle))
        super().__init__(handle)
        self._failure: Optional[BaseException] = None
        self._relay = None
        for name, value in settings.items():
            if value is not None:
                setter, convert = _SETTERS[name]
                setter(self.handle, *convert(value))
        if progress is not None:
            self._relay = PROGRESS_FUNCTION(self._make_relay(progress))
            _set_progress(self.handle, self._relay, None)

    def _make_relay(self, progress: ProgressCallback) -> Callable[[float, bytes, Any], int]:
        def relay(fraction: float, stage: Optional[bytes], _: Any) -> int:
            try:
                return 1 if progress(fraction, (stage or b"").decode()) else 0
            except BaseException as error:  # an exception must not unwind through the library
                self._failure = error
                return 1
        return relay

    def call(self, c_function: CFunction, *arguments: Any) -> None:
        """Calls `c_function(*arguments)`; an exception raised by the progress callback wins."""
        self._failure = None
        try:
            c_function(*arguments)
        except CancelledError as cancelled:
            failure, self._failure = self._failure, None
            if failure is not None:
                raise failure from cancelled
            raise
