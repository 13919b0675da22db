"""`Volume`: a 3-D image on a voxel grid placed in the world, read from or written to NIfTI.

Arrays follow nibabel's convention: a volume of dims (di, dj, dk) is a numpy array of that shape,
indexed [i, j, k], and its affine maps (i, j, k, 1) to RAS+ world coordinates in mm. So
``volume.to_numpy()`` equals ``nibabel.load(path).get_fdata()`` (as float32) and
``volume.affine`` equals ``nibabel.load(path).affine``.
"""
from __future__ import annotations

import ctypes
import os
import pathlib
import tempfile
from typing import TYPE_CHECKING, Any, Tuple, Union

import numpy as np

from ._arrays import float32_buffer, require_shape
from ._handle import Handle
from ._library import FloatBuffer, HANDLE, HANDLE_OUT, STATUS, function, int32_argument, path_argument

if TYPE_CHECKING:
    import nibabel

_read = function("uvs_volume_read", STATUS, ctypes.c_char_p, ctypes.c_int64, HANDLE_OUT)
_count_in_file = function("uvs_volume_count_in_file", STATUS, ctypes.c_char_p,
                          ctypes.POINTER(ctypes.c_int64))
_create = function("uvs_volume_create", STATUS, HANDLE, FloatBuffer, ctypes.c_int64, HANDLE_OUT)
_free = function("uvs_volume_free", None, HANDLE)
_dims = function("uvs_volume_dims", STATUS, HANDLE, ctypes.POINTER(ctypes.c_int64 * 3))
_voxel_count = function("uvs_volume_voxel_count", ctypes.c_int64, HANDLE)
_spacing = function("uvs_volume_spacing", STATUS, HANDLE, ctypes.POINTER(ctypes.c_double * 3))
_affine = function("uvs_volume_affine", STATUS, HANDLE, ctypes.POINTER(ctypes.c_double * 16))
_axis_codes = function("uvs_volume_axis_codes", STATUS, HANDLE, ctypes.POINTER(ctypes.c_char * 4))
_copy_data = function("uvs_volume_copy_data", STATUS, HANDLE, FloatBuffer, ctypes.c_int64)
_write_label_map = function("uvs_volume_write_label_map", STATUS, HANDLE, FloatBuffer, ctypes.c_int64,
                            ctypes.c_char_p)
_write_probability_maps = function("uvs_volume_write_probability_maps", STATUS, HANDLE, FloatBuffer,
                                   ctypes.c_int32, ctypes.c_int64, ctypes.c_char_p)

PathLike = Union[str, "os.PathLike[str]"]


class Volume(Handle):
    """An immutable 3-D image with its geometry; safe to read from many threads at once.

    Make one with `Volume.read(path)`, `Volume.from_nibabel(image)`,
    `Volume.from_numpy(array, affine)`, or `reference.with_voxels(array)` for an array on the
    grid of another volume. Free it with `close()` or a `with` block (or leave it to the
    garbage collector).
    """

    _free = _free

    @classmethod
    def _adopt(cls, handle: ctypes.c_void_p) -> "Volume":
        volume = cls.__new__(cls)
        Handle.__init__(volume, handle)
        return volume

    @classmethod
    def read(cls, path: PathLike, index: int = 0) -> "Volume":
        """Reads volume `index` of a NIfTI file (.nii, .nii.gz, .hdr/.img; NIfTI-1 or -2).

        Values are scaled by scl_slope/scl_inter; the affine is the one nibabel gives. Raises
        `uvseg.InputOutputError` (missing file), `uvseg.BadFormatError` (not NIfTI, damaged),
        `uvseg.UnsupportedError` (complex, RGB data), `uvseg.OutOfMemoryError` (above 4 GiB).
        """
        handle = ctypes.c_void_p()
        _read(path_argument(path), index, ctypes.byref(handle))
        return cls._adopt(handle)

    @staticmethod
    def count_in_file(path: PathLike) -> int:
        """How many 3-D volumes a NIfTI file holds (1 for a 3-D file), from its header alone."""
        count = ctypes.c_int64()
        _count_in_file(path_argument(path), ctypes.byref(count))
        return count.value

    @classmethod
    def from_nibabel(cls, image: "nibabel.spatialimages.SpatialImage") -> "Volume":
        """A volume from a nibabel NIfTI image (3-D, or 4-D with one volume), header included.

        The image goes through a NIfTI file in a private temporary folder, so every geometry
        field of its header (qform, sform, codes, units) is kept exactly as nibabel would write it.
        """
        import nibabel

        with tempfile.TemporaryDirectory(prefix="uvseg-") as folder:
            path = pathlib.Path(folder) / "volume.nii"
            nibabel.save(image, path)
            return cls.read(path)

    @classmethod
    def from_numpy(cls, array: Any, affine: Any) -> "Volume":
        """A volume from a (di, dj, dk) array and its 4 x 4 voxel-to-world (RAS+, mm) affine."""
        import nibabel

        voxels = float32_buffer(array, "array", allow_integers=True)
        if voxels.ndim != 3:
            raise ValueError(f"array must be 3-D (di, dj, dk), got shape {voxels.shape}")
        matrix = np.asarray(affine, dtype=np.float64)
        require_shape(matrix, (4, 4), "affine")
        return cls.from_nibabel(nibabel.Nifti1Image(voxels, matrix))

    def with_voxels(self, array: Any) -> "Volume":
        """A new volume holding `array` (shaped like this one) on this volume's grid and header."""
        voxels = self._voxel_buffer(array, "array")
        handle = ctypes.c_void_p()
        _create(self.handle, voxels, voxels.size, ctypes.byref(handle))
        return Volume._adopt(handle)

    @property
    def shape(self) -> Tuple[int, int, int]:
        """The grid size (di, dj, dk)."""
        dims = (ctypes.c_int64 * 3)()
        _dims(self.handle, ctypes.byref(dims))
        return (dims[0], dims[1], dims[2])

    @property
    def voxel_count(self) -> int:
        return int(_voxel_count(self.handle))

    @property
    def spacing(self) -> Tuple[float, float, float]:
        """The voxel size in mm along i, j, k."""
        values = (ctypes.c_double * 3)()
        _spacing(self.handle, ctypes.byref(values))
        return (values[0], values[1], values[2])

    @property
    def affine(self) -> np.ndarray:
        """The 4 x 4 voxel-to-world matrix (RAS+, mm), as nibabel's `image.affine`."""
        values = (ctypes.c_double * 16)()
        _affine(self.handle, ctypes.byref(values))
        return np.array(values, dtype=np.float64).reshape(4, 4)

    @property
    def axis_codes(self) -> str:
        """The anatomical direction of each array axis, as nibabel's aff2axcodes: "RAS", "LPS", ..."""
        codes = (ctypes.c_char * 4)()
        _axis_codes(self.handle, ctypes.byref(codes))
        return codes.value.decode()

    def to_numpy(self) -> np.ndarray:
        """A new float32 array of the voxels, shape (di, dj, dk), indexed [i, j, k]."""
        voxels = np.empty(self.shape, dtype=np.float32, order="F")
        _copy_data(self.handle, voxels, voxels.size)
        return voxels

    def to_nibabel(self) -> "nibabel.Nifti1Image":
        """The voxels and affine as a nibabel image (float32)."""
        import nibabel

        return nibabel.Nifti1Image(self.to_numpy(), self.affine)

    def write_label_map(self, path: PathLike, labels: Any) -> None:
        """Writes `labels` (shaped like this volume; whole numbers 0 .. 65535) on this grid.

        The file (.nii or .nii.gz) keeps this volume's geometry unchanged, so viewers overlay it
        exactly; it stores uint8 when every label is at most 255, else uint16. The write is
        atomic: on failure no file is left and an existing one is untouched.
        """
        voxels = self._voxel_buffer(labels, "labels")
        _write_label_map(self.handle, voxels, voxels.size, path_argument(path))

    def write_probability_maps(self, path: PathLike, maps: Any) -> None:
        """Writes float32 maps on this grid: one (di, dj, dk) map, or n as (di, dj, dk, n).

        One map gives a 3-D file, several a 4-D file with one volume per map (nibabel's layout).
        Atomic as `write_label_map`.
        """
        voxels = float32_buffer(maps, "maps", order="F")
        shape = self.shape
        if voxels.ndim == 3:
            voxels = voxels[..., np.newaxis]
        require_shape(voxels, shape + (voxels.shape[-1],), "maps")
        _write_probability_maps(self.handle, voxels,
                                int32_argument(voxels.shape[-1], "the map count"),
                                self.voxel_count, path_argument(path))

    def _voxel_buffer(self, array: Any, what: str) -> np.ndarray:
        voxels = float32_buffer(array, what, order="F", allow_integers=True)
        require_shape(voxels, self.shape, what)
        return voxels

    def __repr__(self) -> str:
        if self.closed:
            return "<uvseg.Volume (closed)>"
        return f"<uvseg.Volume {self.shape} {self.axis_codes} spacing {self.spacing}>"


VolumeLike = Union[Volume, PathLike, "nibabel.spatialimages.SpatialImage"]


def as_volume(value: VolumeLike) -> Volume:
    """A `Volume` from a Volume (as is), a NIfTI path (read) or a nibabel image (converted)."""
    if isinstance(value, Volume):
        return value
    if isinstance(value, (str, os.PathLike)):
        return Volume.read(value)
    if hasattr(value, "affine") and hasattr(value, "header"):
        return Volume.from_nibabel(value)
    raise TypeError(f"expected a uvseg.Volume, a NIfTI path or a nibabel image, got {type(value).__name__}")
