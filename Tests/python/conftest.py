"""Shared pytest fixtures: where the built library and command are.

The build folder is UVSEG_BUILD_DIR, or .build/release under the repository root.
"""
import ctypes
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD_DIR = pathlib.Path(os.environ.get("UVSEG_BUILD_DIR", REPO / ".build" / "release"))
FIXTURES = REPO / "Tests" / "NetworkTests" / "Fixtures"


def _require(path: pathlib.Path) -> pathlib.Path:
    if not path.exists():
        pytest.fail(f"{path} not found: build first (make build) or set UVSEG_BUILD_DIR")
    return path


@pytest.fixture(scope="session")
def libuvseg() -> ctypes.CDLL:
    """libuvseg.so loaded through ctypes, with the signatures the tests use declared."""
    lib = ctypes.CDLL(str(_require(BUILD_DIR / "libuvseg.so")))
    lib.uvs_last_error.restype = ctypes.c_char_p
    lib.uvs_version.restype = ctypes.c_char_p
    lib.uvs_status_name.restype = ctypes.c_char_p
    lib.uvs_status_name.argtypes = [ctypes.c_int]
    return lib


@pytest.fixture(scope="session")
def uvseg_command() -> pathlib.Path:
    """The built `uvseg` command (SwiftPM names the binary uvseg-cli)."""
    return _require(BUILD_DIR / "uvseg-cli")
