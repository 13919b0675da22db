"""Agreement between a predicted label map and the truth: `evaluate` and `Metrics`."""
from __future__ import annotations

import ctypes
import dataclasses

from ._library import HANDLE, STATUS, function, int32_argument
from .volume import VolumeLike, as_volume


class _CMetrics(ctypes.Structure):
    """uvs_metrics, field for field."""

    _fields_ = [
        ("struct_size", ctypes.c_uint64),
        ("dice", ctypes.c_double),
        ("iou", ctypes.c_double),
        ("hd95_mm", ctypes.c_double),
        ("assd_mm", ctypes.c_double),
        ("volume_pred_ml", ctypes.c_double),
        ("volume_truth_ml", ctypes.c_double),
    ]


_evaluate = function("uvs_evaluate", STATUS, HANDLE, HANDLE, ctypes.c_int32, ctypes.POINTER(_CMetrics))


@dataclasses.dataclass(frozen=True)
class Metrics:
    """How well a prediction of one label agrees with the truth (see uvs_metrics in uvseg.h).

    Distances are in mm between voxel centres; a label in only one of the maps gives dice = iou =
    0 and infinite distances, a label in neither gives dice = iou = 1 and distances 0.
    """

    dice: float
    iou: float
    hd95_mm: float
    assd_mm: float
    volume_pred_ml: float
    volume_truth_ml: float


def evaluate(prediction: VolumeLike, truth: VolumeLike, label: int = 1) -> Metrics:
    """Compares the voxels holding `label` in two label maps on the same grid.

    Each map may be a `uvseg.Volume`, a NIfTI path or a nibabel image. Raises
    `uvseg.InvalidArgumentError` for grids that differ or voxels that are not whole labels.
    """
    # Named, so that volumes made here stay alive (and their handles valid) during the call.
    prediction_volume, truth_volume = as_volume(prediction), as_volume(truth)
    result = _CMetrics(struct_size=ctypes.sizeof(_CMetrics))
    _evaluate(prediction_volume.handle, truth_volume.handle, int32_argument(label, "the label"),
              ctypes.byref(result))
    return Metrics(**{field.name: getattr(result, field.name) for field in dataclasses.fields(Metrics)})
