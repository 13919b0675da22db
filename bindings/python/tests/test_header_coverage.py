"""Every function of include/uvseg.h has a Python wrapper: a function added to the header without
one fails here, naming it."""
import re
import subprocess

import uvseg
from uvseg._library import DECLARED
from conftest import REPO

# Used by the error machinery of every call rather than wrapped on their own.
USED_INTERNALLY = {"uvs_last_error", "uvs_status_name", "uvs_version_number"}


def test_every_function_of_the_header_is_wrapped():
    preprocessed = subprocess.run(["cc", "-E", "-P", "-x", "c", str(REPO / "include" / "uvseg.h")],
                                  capture_output=True, text=True, check=True).stdout
    in_header = set(re.findall(r"\b(uvs_\w+)\s*\(", preprocessed))
    assert len(in_header) > 20 and uvseg.__all__  # importing uvseg declared every wrapped function
    assert in_header - set(DECLARED) - USED_INTERNALLY == set()
