"""Finding and loading libuvseg.so, and declaring its C functions for ctypes.

The library is looked for, in order, as libuvseg.so in this package's folder (where a wheel puts
the copy it was built with, so it always matches the package), at the file named by the
environment variable UVSEG_LIBRARY, and on the system's search path (LD_LIBRARY_PATH, the ld.so
cache, the default folders). It is loaded on first use, not on import, so that `import uvseg`
works for tools that only inspect the package.

Each module of the package declares the C functions it wraps with `function(...)`, next to their
use; a function is resolved in the library on its first call. A library too old to have a
function raises an error naming the function instead of failing on import.
"""
from __future__ import annotations

import ctypes
import functools
import os
import pathlib
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

from .errors import LibraryNotFoundError, error_for_status

ENVIRONMENT_VARIABLE = "UVSEG_LIBRARY"
LIBRARY_NAME = "libuvseg.so"
PACKAGE_COPY = pathlib.Path(__file__).resolve().parent / LIBRARY_NAME

# The restype of a C function that returns a uvs_status: the call raises on a non-zero status.
STATUS = object()
# Opaque handles (uvs_model *, uvs_volume *, ...) are passed as plain addresses.
HANDLE = ctypes.c_void_p
HANDLE_OUT = ctypes.POINTER(ctypes.c_void_p)
# The progress callback of uvs_options_set_progress (uvs_progress_fn).
PROGRESS_FUNCTION = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p)


class FloatBuffer:
    """A `float *` parameter: a float32 numpy array in one contiguous block (C or Fortran order: the
    caller orders it as the function documents), a ctypes float array or pointer, or None (NULL).
    Any other array is refused before the call rather than read as floats."""

    @classmethod
    def from_param(cls, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            contiguous = value.flags.c_contiguous or value.flags.f_contiguous
            if value.dtype != np.float32 or not contiguous:
                raise TypeError(f"a float buffer must be one contiguous block of float32, got a "
                                f"{'' if contiguous else 'non-contiguous '}{value.dtype} array")
            return value.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        return ctypes.POINTER(ctypes.c_float).from_param(value)


class Library:
    """A loaded libuvseg: the ctypes handle and the file it came from."""

    def __init__(self, cdll: ctypes.CDLL, origin: str):
        self.cdll = cdll
        self.origin = origin
        # Typed at once: the error machinery of every other call needs them.
        for declared in (_last_error, _status_name, _version):
            declared.declare(cdll)

    @property
    def version(self) -> str:
        return self.cdll.uvs_version().decode()

    def raise_on_failure(self, status: int, function: Any, arguments: Any) -> None:
        """ctypes errcheck: turns a non-zero uvs_status into the matching `uvseg.Error`."""
        if status != 0:
            # uvs_last_error is per thread, and errcheck runs on the calling thread.
            message = self.cdll.uvs_last_error().decode(errors="replace")
            name = self.cdll.uvs_status_name(status).decode()
            raise error_for_status(status, message, name)
        return None


@functools.lru_cache(maxsize=None)
def library() -> Library:
    """The loaded library (loaded on the first call). Raises `LibraryNotFoundError`."""
    tried: List[str] = []
    if PACKAGE_COPY.exists():
        try:
            return Library(ctypes.CDLL(str(PACKAGE_COPY)), str(PACKAGE_COPY))
        except OSError as error:
            tried.append(f"{PACKAGE_COPY}: {error}")
    else:
        tried.append(f"{PACKAGE_COPY}: no such file")
    explicit = os.environ.get(ENVIRONMENT_VARIABLE)
    if explicit:
        try:
            return Library(ctypes.CDLL(explicit), explicit)
        except OSError as error:
            # The caller named a file: do not quietly fall back to another copy.
            raise LibraryNotFoundError(
                f"cannot load libuvseg from {ENVIRONMENT_VARIABLE}={explicit}: {error}") from None
    tried.append(f"${ENVIRONMENT_VARIABLE}: not set")
    try:
        return Library(ctypes.CDLL(LIBRARY_NAME), f"{LIBRARY_NAME} (system search path)")
    except OSError as error:
        tried.append(f"the system search path (LD_LIBRARY_PATH, ld.so cache, /lib, /usr/lib): {error}")
    places = "".join(f"\n  {n}. {place}" for n, place in enumerate(tried, 1))
    raise LibraryNotFoundError(
        f"libuvseg.so was not found. Looked at:{places}\n"
        f"Install it (make install, then ldconfig) or set {ENVIRONMENT_VARIABLE} to the file.")


class CFunction:
    """A C function of libuvseg, resolved and typed on its first call."""

    def __init__(self, name: str, restype: Any, argtypes: Sequence[Any]):
        self.name = name
        self.restype = restype
        self.argtypes = list(argtypes)
        self._resolved: Optional[Callable[..., Any]] = None
        self._lock = threading.Lock()

    def declare(self, cdll: ctypes.CDLL) -> Any:
        """Types the function in `cdll` as declared, returning a uvs_status as a plain int."""
        function = getattr(cdll, self.name)
        function.argtypes = self.argtypes
        function.restype = ctypes.c_int if self.restype is STATUS else self.restype
        return function

    def _resolve(self) -> Callable[..., Any]:
        with self._lock:
            if self._resolved is None:
                lib = library()
                try:
                    function = getattr(lib.cdll, self.name)
                except AttributeError:
                    raise LibraryNotFoundError(
                        f"{lib.origin} (libuvseg {lib.version}) has no function {self.name}: "
                        f"the library is older than this uvseg package") from None
                self.declare(lib.cdll)
                if self.restype is STATUS:
                    function.errcheck = lib.raise_on_failure
                self._resolved = function
            return self._resolved

    def __call__(self, *arguments: Any) -> Any:
        function = self._resolved or self._resolve()
        return function(*arguments)

    def is_available(self) -> bool:
        """Whether the loaded library has this function (a newer API on an older library)."""
        return hasattr(library().cdll, self.name)


# Every C function the package declares, by name (the tests compare it with the header).
DECLARED: Dict[str, CFunction] = {}


def function(name: str, restype: Any, *argtypes: Any) -> CFunction:
    """Declares the C function `name`; restype `STATUS` makes a failing call raise."""
    DECLARED[name] = CFunction(name, restype, argtypes)
    return DECLARED[name]


def path_argument(path: "os.PathLike[str] | str") -> bytes:
    """A file name as the C library takes it (bytes in the file system's encoding)."""
    return os.fsencode(os.fspath(path))


def int32_argument(value: int, what: str) -> int:
    """`value` checked to fit an int32_t parameter (ctypes would silently wrap it)."""
    if not -(2**31) <= value < 2**31:
        raise ValueError(f"{what} is {value}, more than the library's int32 parameters hold")
    return value


def jobs_argument(jobs: Any) -> int:
    """A number of jobs run side by side: a whole number of at least 1 (a bool is refused)."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of at least 1, got {jobs!r}")
    return jobs


_version = function("uvs_version", ctypes.c_char_p)
_last_error = function("uvs_last_error", ctypes.c_char_p)
_status_name = function("uvs_status_name", ctypes.c_char_p, ctypes.c_int)


def library_version() -> str:
    """The loaded libuvseg's version, "MAJOR.MINOR.PATCH"."""
    return _version().decode()


def library_path() -> str:
    """Where the loaded libuvseg came from (a file, or the system search path)."""
    return library().origin
