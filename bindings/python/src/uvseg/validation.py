"""`validate`: leave-one-out validation on the caller's own labelled cases, as `uvseg validate`."""
from __future__ import annotations

import ctypes
import json
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ._handle import Handle
from ._library import HANDLE, HANDLE_OUT, STATUS, function, int32_argument, jobs_argument
from .model import Model
from .options import Options, ProgressCallback
from .segmentation import volume_handles
from .volume import VolumeLike, as_volume

_validate = function("uvs_validate", STATUS, HANDLE, ctypes.POINTER(HANDLE), ctypes.POINTER(HANDLE),
                     ctypes.c_int32, ctypes.POINTER(ctypes.c_int32), ctypes.c_int32, HANDLE, HANDLE_OUT)
_free = function("uvs_validation_free", None, HANDLE)
_set_jobs = function("uvs_options_set_jobs", STATUS, HANDLE, ctypes.c_int32)
_json = function("uvs_validation_json", ctypes.c_char_p, HANDLE)
_mean_dice = function("uvs_validation_mean_dice", STATUS, HANDLE, ctypes.c_int32, ctypes.c_int32,
                      ctypes.POINTER(ctypes.c_double))

STANDARD_SUPPORT_SIZES = (4, 8, 16, 32, 64)
"""The support sizes `uvseg validate` measures when none are given."""


class Validation(Handle):
    """The report of a validation: every case at every support size, and summaries.

    `report` is the JSON object of `uvseg validate --json` as Python values (`json` the text):
    "cases" (case numbers from 1, in the order the cases were given) and "summary" (per support
    size and label: mean, sample sd and count of the finite values of each metric; None where a
    distance was infinite or nothing was finite).
    """

    _free = _free

    def __init__(self, handle: ctypes.c_void_p):
        super().__init__(handle)
        self.json: str = _json(self.handle).decode()
        self.report: Dict[str, Any] = json.loads(self.json)

    @property
    def cases(self) -> List[Dict[str, Any]]:
        return self.report["cases"]

    @property
    def summary(self) -> List[Dict[str, Any]]:
        return self.report["summary"]

    def mean_dice(self, support_size: int, label: int = 1) -> float:
        """The mean Dice over the cases at one support size for one label."""
        mean = ctypes.c_double()
        _mean_dice(self.handle, int32_argument(support_size, "the support size"),
                   int32_argument(label, "the label"), ctypes.byref(mean))
        return mean.value

    def table(self) -> str:
        """The summary as text: Dice mean +- sd per support size and label."""
        lines = [f"{'support':>8} {'label':>6} {'cases':>6} {'Dice':>18}"]
        for row in self.summary:
            dice = row["dice"]
            cell = "-" if dice["mean"] is None else f"{dice['mean']:.4f} +- {dice['sd']:.4f}"
            lines.append(f"{row['support_size']:>8} {row['label']:>6} {row['cases']:>6} {cell:>18}")
        return "\n".join(lines)


def validate(model: Model, images: Sequence[VolumeLike], label_maps: Sequence[VolumeLike],
             support_sizes: Sequence[int] = STANDARD_SUPPORT_SIZES, *, jobs: int = 1,
             progress: Optional[ProgressCallback] = None, **settings: Any) -> Validation:
    """Leave-one-out validation on labelled cases (uvs_validate): for each support size, each case
    is segmented from the other cases only and compared with its own labels.

    images and label_maps are equally long sequences of volumes (`uvseg.Volume`, NIfTI paths or
    nibabel images), label_maps[i] the labels of images[i], at least two cases. `settings` are those of `uvseg.segment` except
    support_size, which `support_sizes` replaces; unless `labels=` is set, every label of any case
    is measured. The work is len(support_sizes) * len(images) segmentations; `progress` is called
    as by `segment` and may cancel. jobs: segmentations run at once, each with its share of the
    threads and of the library's memory limit (as `uvseg validate --jobs`); the report does not
    depend on it, and with more than one `progress` hears only of finished segmentations, from
    the library's threads. ValueError for jobs below 1 or not whole, before any work.
    """
    jobs_argument(jobs)
    if len(images) != len(label_maps):
        raise ValueError(f"{len(images)} images but {len(label_maps)} label maps")
    if "support_size" in settings:
        raise TypeError("validate takes support_sizes, not support_size")
    image_volumes = [as_volume(image) for image in images]  # named: alive during the call
    label_volumes = [as_volume(label_map) for label_map in label_maps]
    sizes = np.ascontiguousarray(support_sizes, dtype=np.int32)
    handle = ctypes.c_void_p()
    with Options(settings, progress) as options:
        _set_jobs(options.handle, int32_argument(jobs, "jobs"))
        options.call(_validate, model.handle, volume_handles(image_volumes), volume_handles(label_volumes),
                     int32_argument(len(image_volumes), "the case count"),
                     sizes.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                     int32_argument(sizes.size, "the support size count"), options.handle, ctypes.byref(handle))
    return Validation(handle)
