"""Hostile inputs run in a process of their own, under the address-space limit a host program may
have, so that a test can tell a clean refusal from an abort, a signal or a hang.

Swift ends the whole process when an allocation fails, so a reproducer cannot run inside pytest's
process: `run_limited` runs a command, `run_c_api` a Python snippet that calls libuvseg.so through
ctypes. Both fail the test when the child dies from a signal or outlives its timeout.
"""
import json
import pathlib
import resource
import subprocess
import sys
import textwrap

# What a modest host gives a plug-in: every case must end with a status well inside it.
ADDRESS_SPACE_LIMIT = 4 << 30
TESTS = pathlib.Path(__file__).resolve().parent


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))


def run_limited(arguments, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs `arguments` under the limit; fails unless the process exits by itself in time."""
    try:
        result = subprocess.run([str(a) for a in arguments], capture_output=True, text=True, timeout=timeout,
                                preexec_fn=_limit_address_space, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise AssertionError(f"hung: no exit within {timeout} s: {arguments}") from error
    assert result.returncode >= 0, f"killed by signal {-result.returncode}: {result.stderr[-3000:]}"
    return result


def run_c_api(library: pathlib.Path, body: str, timeout: float = 120) -> dict:
    """Runs `body` in a fresh Python under the limit, with `lib` bound to `library` (declared as
    c_api.py declares it) and `OK`, `ctypes`, `np` in scope. The body ends by calling
    `report(status, **extra)`; returns that dictionary with `message` (uvs_last_error) added."""
    script = textwrap.dedent("""\
        import ctypes, json, sys
        import numpy as np
        sys.path.insert(0, {tests!r})
        from c_api import *
        lib = ctypes.CDLL({library!r})
        declare(lib)
        def report(status, **extra):
            message = lib.uvs_last_error()
            print(json.dumps(dict(status=int(status), message=message.decode() if message else "", **extra)))
        """).format(tests=str(TESTS), library=str(library)) + textwrap.dedent(body)
    result = run_limited([sys.executable, "-c", script], timeout=timeout)
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-3000:]}"
    return json.loads(result.stdout.strip().splitlines()[-1])
