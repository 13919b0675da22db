"""The exceptions of uvseg: one per status of the C library, all subclasses of `uvseg.Error`.

Every failing library call raises the subclass matching its `uvs_status`, carrying the status and
the library's sentence (`uvs_last_error()`). Where a builtin exception means the same thing the
subclass derives from it too, so ``except ValueError`` catches a bad argument as Python code
expects.
"""
from __future__ import annotations

from typing import Dict, Type


class Error(Exception):
    """A failure reported by libuvseg.

    Attributes:
        status: the library's `uvs_status` code (1 .. 6, see include/uvseg.h).
        status_name: its enumerator's name, e.g. ``"UVS_ERROR_IO"``.
        message: the library's sentence describing what went wrong.
    """

    status: int = 0
    status_name: str = "UVS_ERROR_UNKNOWN_STATUS"

    def __init__(self, message: str, status: int | None = None, status_name: str | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if status_name is not None:
            self.status_name = status_name

    def __str__(self) -> str:
        return f"{self.message} ({self.status_name})"


class InvalidArgumentError(Error, ValueError):
    """UVS_ERROR_INVALID_ARGUMENT: a bad size, value or option."""

    status, status_name = 1, "UVS_ERROR_INVALID_ARGUMENT"


class InputOutputError(Error, OSError):
    """UVS_ERROR_IO: a file could not be opened, read, written or renamed."""

    status, status_name = 2, "UVS_ERROR_IO"


class BadFormatError(Error):
    """UVS_ERROR_BAD_FORMAT: a file is damaged or not what it claims to be."""

    status, status_name = 3, "UVS_ERROR_BAD_FORMAT"


class UnsupportedError(Error):
    """UVS_ERROR_UNSUPPORTED: well-formed, but not something uvseg handles."""

    status, status_name = 4, "UVS_ERROR_UNSUPPORTED"


class OutOfMemoryError(Error, MemoryError):
    """UVS_ERROR_OUT_OF_MEMORY: the work needs more memory than the library allows or gets."""

    status, status_name = 5, "UVS_ERROR_OUT_OF_MEMORY"


class CancelledError(Error):
    """UVS_ERROR_CANCELLED: a progress callback asked to stop."""

    status, status_name = 6, "UVS_ERROR_CANCELLED"


class LibraryNotFoundError(ImportError):
    """libuvseg.so could not be loaded; the message names every place that was tried."""


_BY_STATUS: Dict[int, Type[Error]] = {
    cls.status: cls
    for cls in (InvalidArgumentError, InputOutputError, BadFormatError, UnsupportedError,
                OutOfMemoryError, CancelledError)
}


def error_for_status(status: int, message: str, status_name: str) -> Error:
    """The exception for a non-zero `uvs_status`; a status this module does not know gives `Error`."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        return Error(message, status, status_name)
    return cls(message)
