"""Shared pytest fixtures: where the built library and command are.

The build folder is UVSEG_BUILD_DIR, or .build-ship/release under the repository root.
"""
import ctypes
import os
import pathlib

import pytest

from c_api import declare

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD_DIR = pathlib.Path(os.environ.get("UVSEG_BUILD_DIR", REPO / ".build-ship" / "release"))
FIXTURES = REPO / "Tests" / "NetworkTests" / "Fixtures"


def _require(path: pathlib.Path) -> pathlib.Path:
    if not path.exists():
        pytest.fail(f"{path} not found: build first (make build) or set UVSEG_BUILD_DIR")
    return path


@pytest.fixture(scope="session")
def libuvseg() -> ctypes.CDLL:
    """libuvseg.so loaded through ctypes, with the signatures the tests use declared (c_api.py)."""
    lib = ctypes.CDLL(str(_require(BUILD_DIR / "libuvseg.so")))
    declare(lib)
    return lib


@pytest.fixture(scope="session")
def api(libuvseg) -> ctypes.CDLL:
    """The library, under the name the ctypes tests use."""
    return libuvseg


@pytest.fixture(scope="session")
def uvseg_command() -> pathlib.Path:
    """The built `uvseg` command (SwiftPM names the binary uvseg-cli)."""
    return _require(BUILD_DIR / "uvseg-cli")
