"""What pyproject.toml cannot say: a wheel that carries libuvseg.so (make wheel copies it into the
package folder) holds machine code, so it is a platform wheel. The package itself is Python over
ctypes, for any Python 3: tagged py3-none-PLATFORM rather than with one interpreter's tags."""
import pathlib

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel

BUNDLED_LIBRARY = pathlib.Path(__file__).resolve().parent / "src" / "uvseg" / "libuvseg.so"


class BundlingDistribution(Distribution):
    def has_ext_modules(self):
        return BUNDLED_LIBRARY.exists()


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        python, abi, platform = super().get_tag()
        return ("py3", "none", platform) if BUNDLED_LIBRARY.exists() else (python, abi, platform)


setup(distclass=BundlingDistribution, cmdclass={"bdist_wheel": PlatformWheel})
