"""Where the package looks for libuvseg.so, and what it says when it is not there.

Each case runs in a fresh interpreter: the library is loaded once per process.
"""
import os
import pathlib
import shutil
import subprocess
import sys

import uvseg

BUILT_LIBRARY = pathlib.Path(os.environ["UVSEG_LIBRARY"])
PACKAGE = pathlib.Path(uvseg.__file__).parent


def run_python(code, *, package_parent, **environment):
    """Runs `code` with only `package_parent` providing uvseg; returns (exit status, output)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("UVSEG_LIBRARY", "LD_LIBRARY_PATH", "PYTHONPATH")}
    env.update(environment, PYTHONPATH=str(package_parent))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def copy_package(tmp_path, with_library):
    shutil.copytree(PACKAGE, tmp_path / "uvseg", ignore=shutil.ignore_patterns("libuvseg.so", "__pycache__"))
    if with_library:
        shutil.copy(BUILT_LIBRARY, tmp_path / "uvseg" / "libuvseg.so")
    return tmp_path


def test_environment_variable_names_the_file():
    assert uvseg.library_path() == str(BUILT_LIBRARY)
    assert uvseg.library_version() == uvseg.__version__


def test_a_copy_in_the_package_folder_comes_first(tmp_path):
    parent = copy_package(tmp_path, with_library=True)
    for environment in ({}, {"UVSEG_LIBRARY": str(BUILT_LIBRARY)}):
        status, output = run_python("import uvseg; print(uvseg.library_path())", package_parent=parent, **environment)
        assert status == 0, output
        assert output.strip() == str(parent / "uvseg" / "libuvseg.so")


def test_the_system_search_path_is_used_last(tmp_path):
    parent = copy_package(tmp_path, with_library=False)
    status, output = run_python("import uvseg; print(uvseg.library_path(), uvseg.library_version())",
                                package_parent=parent, LD_LIBRARY_PATH=str(BUILT_LIBRARY.parent))
    assert status == 0, output
    assert output.split() == ["libuvseg.so", "(system", "search", "path)", uvseg.__version__]


def test_the_error_names_every_place_it_looked(tmp_path):
    parent = copy_package(tmp_path, with_library=False)
    code = ("import uvseg\n"
            "try:\n    uvseg.Model('weights.pt')\n"
            "except uvseg.LibraryNotFoundError as error:\n    print(error)\n")
    status, output = run_python(code, package_parent=parent)
    assert status == 0, output
    places = [line.split(". ", 1)[1] for line in output.splitlines() if line.startswith("  ")]
    assert places[0] == f"{parent / 'uvseg' / 'libuvseg.so'}: no such file"
    assert places[1] == "$UVSEG_LIBRARY: not set"
    assert places[2].startswith("the system search path")


def test_a_bad_environment_variable_is_not_silently_ignored(tmp_path):
    parent = copy_package(tmp_path, with_library=False)
    missing = tmp_path / "elsewhere" / "libuvseg.so"
    code = ("import uvseg\n"
            "try:\n    uvseg.library_version()\n"
            "except uvseg.LibraryNotFoundError as error:\n    print(error)\n")
    status, output = run_python(code, package_parent=parent, UVSEG_LIBRARY=str(missing))
    assert status == 0, output
    assert f"UVSEG_LIBRARY={missing}" in output


def test_importing_needs_no_library(tmp_path):
    parent = copy_package(tmp_path, with_library=False)
    status, output = run_python("import uvseg; print(uvseg.Model.__doc__ is not None)", package_parent=parent)
    assert (status, output.strip()) == (0, "True")


def test_the_version_is_the_headers():
    """The package's version is include/uvseg.h's, as the build scripts read it."""
    script = pathlib.Path(__file__).resolve().parents[3] / "tools" / "version.sh"
    written = subprocess.run([script], capture_output=True, text=True, check=True).stdout.strip()
    assert uvseg.__version__ == written == uvseg.library_version()
