"""The common life cycle of objects that own a libuvseg handle (models, volumes, options)."""
from __future__ import annotations

import ctypes
from typing import Any, Optional, TypeVar

from ._library import CFunction

Self = TypeVar("Self", bound="Handle")


class Handle:
    """Owns one C handle; frees it on `close()`, on leaving a `with` block or when collected.

    Subclasses set `_free` to the library's free function for their handle type.
    """

    _free: CFunction

    def __init__(self, handle: ctypes.c_void_p):
        self._handle: Optional[ctypes.c_void_p] = handle

    @property
    def handle(self) -> ctypes.c_void_p:
        """The C handle, for passing to the library. Raises ValueError once closed."""
        if self._handle is None:
            raise ValueError(f"this {type(self).__name__} is closed")
        return self._handle

    @property
    def closed(self) -> bool:
        return self._handle is None

    def close(self) -> None:
        """Frees the C object now. Calling it again does nothing."""
        handle, self._handle = self._handle, None
        if handle is not None:
            type(self)._free(handle)

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(self, *exception: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # During interpreter shutdown the library may already be gone; nothing useful can be done.
        try:
            self.close()
        except Exception:
            pass
