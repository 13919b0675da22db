"""uvseg: in-context segmentation of medical images from a few labelled examples.

Python bindings of libuvseg (the C library of include/uvseg.h), over ctypes: no compiler needed,
numpy arrays in and out, volumes interchangeable with nibabel images.

    import uvseg
    with uvseg.Model("universeg_v1_nf64_ss64_STA.pt") as model:   # or uvseg.Model.default()
        logits = model.predict(query, support_images, support_labels)   # (H, W) or (N, H, W)
    mask = logits > 0

Volumes: uvseg.segment(model, query, support_images, support_labels, ...) and local validation,
uvseg.validate(model, images, label_maps, support_sizes), mirror the `uvseg` command; a cohort of
studies, locally or on a Dask cluster: uvseg.segment_cohort(queries, images, label_maps, out_dir).

The library is found as the libuvseg.so in this package's folder (a wheel carries one), through the
environment variable UVSEG_LIBRARY (a file), or on the system's search path, in that order.
uvseg is research software, not a medical device: validate it locally before any use.
"""
import importlib.metadata

from ._library import library_path, library_version
from .cohort import segment_cohort
from .errors import (BadFormatError, CancelledError, Error, InputOutputError, InvalidArgumentError,
                     LibraryNotFoundError, OutOfMemoryError, UnsupportedError)
from .labels import fill_holes, keep_largest_components
from .metrics import Metrics, evaluate
from .model import Model
from .segmentation import POOR_SIMILARITY, Alignment, Segmentation, segment
from .validation import Validation, validate
from .volume import Volume

# The installed distribution's version: include/uvseg.h's, set when the package was built.
__version__ = importlib.metadata.version("uvseg")

__all__ = [
    "POOR_SIMILARITY", "Alignment", "BadFormatError", "CancelledError", "Error", "InputOutputError", "InvalidArgumentError",
    "LibraryNotFoundError", "Metrics", "Model", "OutOfMemoryError", "Segmentation", "UnsupportedError",
    "Validation", "Volume", "evaluate", "fill_holes", "keep_largest_components", "library_path",
    "library_version", "segment", "segment_cohort", "validate",
]
