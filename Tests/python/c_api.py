"""The C contract as the ctypes tests see it: status codes, handle types, the uvseg package's
declarations of every signature (the one place they are written, checked against the header by
bindings/python/tests/test_header_coverage.py) applied to a raw library, and two small helpers."""
import ctypes

import numpy as np

import uvseg  # noqa: F401 (importing the package declares every function it wraps)
from uvseg._library import DECLARED, PROGRESS_FUNCTION

OK, INVALID_ARGUMENT, IO, BAD_FORMAT, UNSUPPORTED, OUT_OF_MEMORY, CANCELLED = range(7)
VOLUME = ctypes.c_void_p
HANDLE = ctypes.c_void_p
PROGRESS = PROGRESS_FUNCTION
INT64, INT32, DOUBLE, FLOAT = ctypes.c_int64, ctypes.c_int32, ctypes.c_double, ctypes.c_float


def declare(lib: ctypes.CDLL) -> None:
    """Types the uvs_ functions of `lib` as the package declares them; calls return the uvs_status
    as an int (the tests check statuses) rather than raising."""
    for function in DECLARED.values():
        function.declare(lib)


def check(api: ctypes.CDLL, status: int) -> None:
    """A call that must succeed; the library's message on failure."""
    assert status == OK, api.uvs_last_error().decode()


def read_volume(api: ctypes.CDLL, path) -> VOLUME:
    """The first volume of a NIfTI file, as a handle the caller frees."""
    volume = VOLUME()
    check(api, api.uvs_volume_read(str(path).encode(), 0, ctypes.byref(volume)))
    return volume
