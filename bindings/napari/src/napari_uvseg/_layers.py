"""Layer data <-> uvseg volumes, without Qt: what the widget segments, testable on its own.

napari orders array axes slowest first, (z, y, x) for a 3-D layer, and its sliders step through the
first axis. A volume's axes (i, j, k) are the layer's axes reversed, (x, y, z), so that the
layer's first axis is the volume's k axis, the one axial slices are cut across: the axial plane
segments exactly the slices napari shows. The layer's data-to-world matrix, reversed the
same way, becomes the volume's affine, so scale (voxel spacing) and translation carry over. A 2-D
layer is a volume of one slice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple

import numpy as np

import uvseg


@dataclass(frozen=True)
class LayerData:
    """A layer's voxels and its (ndim + 1) x (ndim + 1) data-to-world matrix, in napari's axis order."""

    name: str
    data: np.ndarray
    data_to_world: np.ndarray

    @classmethod
    def from_layer(cls, layer: Any) -> "LayerData":
        """Takes the array and world transform of a napari Image or Labels layer (in the GUI thread)."""
        from napari.utils.transforms import CompositeAffine

        physical = CompositeAffine(scale=layer.scale, translate=layer.translate, rotate=layer.rotate,
                                   shear=layer.shear, ndim=layer.ndim)
        matrix = np.asarray(layer.affine.affine_matrix) @ np.asarray(physical.affine_matrix)
        return cls(layer.name, np.asarray(layer.data), matrix)


def volume_affine(data_to_world: np.ndarray) -> np.ndarray:
    """The 4 x 4 affine of the volume (axes reversed) of a 2-D or 3-D layer's matrix."""
    ndim = data_to_world.shape[0] - 1
    if ndim not in (2, 3):
        raise ValueError(f"only 2-D and 3-D layers can be segmented, got {ndim}-D")
    padded = np.eye(4)
    padded[4 - ndim - 1:, 4 - ndim - 1:] = data_to_world  # a 2-D layer gets a unit first axis
    reverse = np.eye(4)[[2, 1, 0, 3]]
    return reverse @ padded @ reverse


def to_volume(layer: LayerData) -> uvseg.Volume:
    """The layer as a uvseg volume (its voxels as float32, axes reversed)."""
    data = layer.data
    if data.ndim not in (2, 3):
        raise ValueError(f"layer '{layer.name}' is {data.ndim}-D; only 2-D and 3-D layers can be segmented")
    if data.ndim == 2:
        data = data[np.newaxis]
    return uvseg.Volume.from_numpy(data.transpose(2, 1, 0), volume_affine(layer.data_to_world))


def to_layer_data(volume: uvseg.Volume, ndim: int) -> np.ndarray:
    """A label map volume back in napari's axis order, as integer labels of an `ndim`-D layer."""
    labels = volume.to_numpy().transpose(2, 1, 0).astype(np.int32)
    return labels[0] if ndim == 2 else labels


def segment_layers(model: uvseg.Model, query: LayerData, support: Sequence[Tuple[LayerData, LayerData]],
                   progress: Optional[uvseg.options.ProgressCallback] = None, **settings: Any) -> np.ndarray:
    """Segments the query layer from (image, labels) layer pairs; returns labels shaped like the query.

    Each labels layer must have its image's shape and is taken to lie on its image's grid.
    `settings` are those of `uvseg.segment`; `progress` is called on the calling thread.
    """
    if not support:
        raise ValueError("the support set is empty: add at least one image and labels pair")
    for image, labels in support:
        if image.data.shape != labels.data.shape:
            raise ValueError(f"support image '{image.name}' {image.data.shape} and labels '{labels.name}' "
                             f"{labels.data.shape} differ in shape")
    # A labels layer drawn on an image lies on that image's grid, whatever its own transform says.
    label_maps = [to_volume(LayerData(labels.name, labels.data, image.data_to_world)) for image, labels in support]
    result = uvseg.segment(model, to_volume(query), [to_volume(image) for image, _ in support], label_maps,
                           progress=progress, **settings)
    return to_layer_data(result.label_map, query.data.ndim)
