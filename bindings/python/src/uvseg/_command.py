"""The `uvseg` console command of a wheel: runs the command binary the wheel carries
(uvseg/bin/uvseg, built with the library it ships beside), with the same arguments."""
import os
import pathlib
import sys

BUNDLED_COMMAND = pathlib.Path(__file__).resolve().parent / "bin" / "uvseg"


def main() -> None:
    if not BUNDLED_COMMAND.exists():
        sys.exit(f"uvseg: this installation of the Python package carries no command ({BUNDLED_COMMAND} "
                 "is missing); install a wheel made by `make wheel`, or the command with `make install`")
    os.execv(str(BUNDLED_COMMAND), [str(BUNDLED_COMMAND), *sys.argv[1:]])
