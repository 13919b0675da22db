"""Post-processing of label maps: largest components, hole filling."""
from __future__ import annotations

import ctypes

from ._library import HANDLE, HANDLE_OUT, STATUS, function, int32_argument
from .volume import Volume, VolumeLike, as_volume

_keep_largest_components = function("uvs_labels_keep_largest_components", STATUS, HANDLE,
                                    ctypes.c_int32, HANDLE_OUT)
_fill_holes = function("uvs_labels_fill_holes", STATUS, HANDLE, HANDLE_OUT)


def keep_largest_components(labels: VolumeLike, connectivity: int = 26) -> Volume:
    """A copy of `labels` keeping only each label's largest connected component.

    connectivity: 6 (voxels sharing a face touch) or 26 (face, edge or corner; the usual choice).
    """
    source = as_volume(labels)  # named: it must outlive the call
    result = ctypes.c_void_p()
    _keep_largest_components(source.handle, int32_argument(connectivity, "connectivity"),
                             ctypes.byref(result))
    return Volume._adopt(result)


def fill_holes(labels: VolumeLike) -> Volume:
    """A copy of `labels` with each label's enclosed holes filled with that label."""
    source = as_volume(labels)  # named: it must outlive the call
    result = ctypes.c_void_p()
    _fill_holes(source.handle, ctypes.byref(result))
    return Volume._adopt(result)
