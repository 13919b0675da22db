"""What pyproject.toml cannot say: the version, which is include/uvseg.h's (the repository's
tools/version.sh reads it)."""
import pathlib
import subprocess

from setuptools import setup

VERSION_SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "tools" / "version.sh"
setup(version=subprocess.run([VERSION_SCRIPT], capture_output=True, text=True, check=True).stdout.strip())
