import sys
from pathlib import Path

# The tools are scripts beside this folder, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
