"""`segment`: a 3-D volume segmented slice by slice from labelled support volumes."""
from __future__ import annotations

import ctypes
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ._handle import Handle
from ._library import HANDLE, HANDLE_OUT, STATUS, function, int32_argument
from .model import Model
from .options import Options, ProgressCallback
from .volume import PathLike, Volume, VolumeLike, as_volume

_segment_volume = function("uvs_segment_volume", STATUS, HANDLE, HANDLE, ctypes.POINTER(HANDLE),
                           ctypes.POINTER(HANDLE), ctypes.c_int32, HANDLE, HANDLE_OUT)
_free = function("uvs_segmentation_free", None, HANDLE)
_label_map = function("uvs_segmentation_label_map", STATUS, HANDLE, HANDLE_OUT)
_label_count = function("uvs_segmentation_label_count", ctypes.c_int32, HANDLE)
_probabilities = function("uvs_segmentation_probabilities", STATUS, HANDLE, ctypes.c_int32,
                          ctypes.POINTER(ctypes.c_int32), HANDLE_OUT)
_alignment_count = function("uvs_segmentation_alignment_count", ctypes.c_int32, HANDLE)
_alignment = function("uvs_segmentation_alignment", STATUS, HANDLE, ctypes.c_int32,
                      ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double))


class _Result(Handle):
    _free = _free


class Alignment(NamedTuple):
    """How well one support volume lined up with the query (uvs_segmentation_alignment): the
    correlation ratio in [0, 1] after the affine step and after the whole alignment; below about
    `POOR_SIMILARITY` the volumes did not line up and the result is likely wrong."""
    affine_similarity: float
    similarity: float


POOR_SIMILARITY = 0.5


class Segmentation:
    """A segmentation on the query's grid (with the query's header): a label map and, for each
    segmented label, its probability volume.

    Attributes:
        label_map: each voxel's label (0 = background), as a `Volume`.
        probabilities: label value -> float32 probability `Volume`, ascending labels.
        alignments: per support volume, in order, an `Alignment`; empty when align="none".
    """

    def __init__(self, label_map: Volume, probabilities: Dict[int, Volume],
                 alignments: Sequence[Alignment] = ()):
        self.label_map = label_map
        self.probabilities = probabilities
        self.alignments: List[Alignment] = list(alignments)

    @property
    def labels(self) -> Tuple[int, ...]:
        """The segmented label values, ascending."""
        return tuple(self.probabilities)

    def write_label_map(self, path: PathLike) -> None:
        """Writes the label map (.nii or .nii.gz) so that it overlays the query exactly."""
        self.label_map.write_label_map(path, self.label_map.to_numpy())

    def write_probabilities(self, path: PathLike) -> None:
        """Writes the probability maps, one volume per label in `labels` order (4-D if several)."""
        maps = np.stack([volume.to_numpy() for volume in self.probabilities.values()], axis=-1)
        self.label_map.write_probability_maps(path, maps)

    def to_nibabel(self):
        """The label map as a nibabel image (float32 voxels, the query's affine)."""
        return self.label_map.to_nibabel()


def volume_handles(volumes: Sequence[Volume]) -> ctypes.Array:
    """A C array of the volumes' handles (the volumes must outlive its use)."""
    return (HANDLE * len(volumes))(*(volume.handle for volume in volumes))


def segment(model: Model, query: VolumeLike, support_images: Sequence[VolumeLike],
            support_labels: Sequence[VolumeLike], *,
            align: Optional[str] = None, method: Optional[str] = None, fusion: Optional[str] = None,
            plane: Optional[str] = None, strategy: Optional[str] = None,
            support_size: Optional[int] = None, empty_share: Optional[float] = None,
            ensemble: Optional[int] = None, flip_augmentation: Optional[bool] = None,
            labels: Optional[Sequence[int]] = None, largest_component: Optional[bool] = None,
            fill_holes: Optional[bool] = None, seed: Optional[int] = None,
            percentiles: Optional[Tuple[float, float]] = None,
            ct_window: Optional[Tuple[float, float]] = None, bias_correction: Optional[bool] = None,
            intensity_refinement: Optional[bool] = None, input_size: Optional[int] = None,
            threads: Optional[int] = None,
            progress: Optional[ProgressCallback] = None) -> Segmentation:
    """Segments a query volume from labelled support volumes (uvs_segment_volume).

    Volumes may be `uvseg.Volume`s, NIfTI paths or nibabel images; support_labels[i] is the label
    map of support_images[i]. Settings left at None keep the library's defaults
    (include/uvseg.h, "Volume segmentation settings"):

        align              how support volumes are brought onto the query: "deformable" (default:
                           affine then demons registration), "affine", or "none" (as stored)
        method             what segments: "fused" (default: the mean of the two below), "atlas" (the
                           support's labels carried through the alignment and fused over support
                           volumes), or "network" (the in-context network, slice by slice)
        fusion             how atlas propagation combines support volumes: "local" (default:
                           weighted by local image similarity) or "majority"
        plane              "auto" (default: every plane with pixels at most twice as long as wide),
                           "axial", "coronal", "sagittal" or "all" (averaged)
        strategy           how support slices are chosen: "similar" (default: best correlated
                           image), "position" (nearest relative position) or "random"
        support_size       most slices per support set [16]
        empty_share        largest share of support slices without the label, in [0, 1) [0.25]
        ensemble           support sets per slice, probabilities averaged [1]
        flip_augmentation  also segment mirrored slices and average [False]
        labels             the labels to segment [every label the support holds]
        largest_component  keep each label's largest connected component [False]
        fill_holes         fill holes enclosed by one label [False]
        seed               seed of every random choice [0]
        percentiles        intensity clipping percentiles (lower, upper) [(0.5, 99.5)]
        ct_window          for CT instead: (level, width) in HU
        bias_correction    divide each MR volume by its estimated bias field first [True; never
                           with ct_window]
        intensity_refinement  refine the probabilities with the query's own intensities and label
                           each voxel with the most probable of background and the labels [True;
                           False: the most probable label above 0.5]
        input_size         the square size slices are scaled to for the network [0: the model's own]
        threads            threads of each prediction [every core]; results do not depend on it

    progress(fraction, stage) is called between units of work on the calling thread; returning True
    cancels (raising `uvseg.CancelledError`), and an exception it raises cancels and propagates.
    The GIL is released while the library works, between callbacks.
    """
    if len(support_images) != len(support_labels):
        raise ValueError(f"{len(support_images)} support images but {len(support_labels)} label maps")
    # Named lists keep every volume made here alive until the call returns.
    query_volume = as_volume(query)
    images = [as_volume(image) for image in support_images]
    label_maps = [as_volume(label_map) for label_map in support_labels]
    settings = dict(align=align, method=method, fusion=fusion, plane=plane, strategy=strategy, support_size=support_size, empty_share=empty_share,
                    ensemble=ensemble, flip_augmentation=flip_augmentation, labels=labels,
                    largest_component=largest_component, fill_holes=fill_holes, seed=seed,
                    percentiles=percentiles, ct_window=ct_window, bias_correction=bias_correction,
                    intensity_refinement=intensity_refinement, input_size=input_size, threads=threads)
    handle = ctypes.c_void_p()
    with Options(settings, progress) as options:
        options.call(_segment_volume, model.handle, query_volume.handle, volume_handles(images),
                     volume_handles(label_maps), int32_argument(len(images), "the support count"),
                     options.handle, ctypes.byref(handle))
    with _Result(handle) as result:
        label_map = ctypes.c_void_p()
        _label_map(result.handle, ctypes.byref(label_map))
        label_volume = Volume._adopt(label_map)  # owned at once, so an error below frees it
        probabilities: Dict[int, Volume] = {}
        for index in range(_label_count(result.handle)):
            label, volume = ctypes.c_int32(), ctypes.c_void_p()
            _probabilities(result.handle, index, ctypes.byref(label), ctypes.byref(volume))
            probabilities[label.value] = Volume._adopt(volume)
        alignments = []
        for index in range(_alignment_count(result.handle)):
            affine, final = ctypes.c_double(), ctypes.c_double()
            _alignment(result.handle, index, ctypes.byref(affine), ctypes.byref(final))
            alignments.append(Alignment(affine.value, final.value))
        return Segmentation(label_volume, probabilities, alignments)
