"""What pyproject.toml cannot say: the version, which is include/uvseg.h's; and that a wheel that
carries libuvseg.so (make wheel copies it into the package folder) holds machine code, so it is a
platform wheel. The package itself is Python over ctypes, for any Python 3: tagged
py3-none-PLATFORM rather than with one interpreter's tags."""
import pathlib
import subprocess

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel

HERE = pathlib.Path(__file__).resolve().parent
BUNDLED_LIBRARY = HERE / "src" / "uvseg" / "libuvseg.so"
# The repository's tools/version.sh (make wheel builds from a copy that keeps the layout).
VERSION = subprocess.run([HERE.parents[1] / "tools" / "version.sh"], capture_output=True, text=True,
                         check=True).stdout.strip()


class BundlingDistribution(Distribution):
    def has_ext_modules(self):
        return BUNDLED_LIBRARY.exists()


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        python, abi, platform = super().get_tag()
        return ("py3", "none", platform) if BUNDLED_LIBRARY.exists() else (python, abi, platform)


setup(version=VERSION, distclass=BundlingDistribution, cmdclass={"bdist_wheel": PlatformWheel})
