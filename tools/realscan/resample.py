"""Sampling volumes at world coordinates, so that grids of any voxel size and storage
orientation can be compared through their affines (voxel index -> world millimetres)."""

import numpy as np
from scipy import ndimage


def grid_points(shape, affine):
    """World coordinates (N x 3) of every voxel centre of a grid, in C order of the indices."""
    indices = np.indices(shape, dtype=np.float64).reshape(3, -1)
    return (affine[:3, :3] @ indices + affine[:3, 3:4]).T


def voxel_coordinates(points, affine):
    """Continuous voxel coordinates (3 x N) of world points in a volume with this affine."""
    inverse = np.linalg.inv(affine)
    return inverse[:3, :3] @ points.T + inverse[:3, 3:4]


def sample_nearest(volume, affine, points, outside=0):
    """Values of the nearest voxel at each world point; `outside` where a point falls off the grid.
    Rounds half-way coordinates up (np.floor(x + 0.5)) so that the result never depends on
    floating-point noise in a direction that flips between grids."""
    coordinates = np.floor(voxel_coordinates(points, affine) + 0.5).astype(np.int64)
    inside = np.all((coordinates >= 0) & (coordinates < np.array(volume.shape)[:, None]), axis=0)
    values = np.full(points.shape[0], outside, dtype=volume.dtype)
    values[inside] = volume[tuple(coordinates[:, inside])]
    return values


def sample_linear(volume, affine, points, outside=0.0):
    """Trilinear interpolation at each world point; `outside` beyond the grid."""
    coordinates = voxel_coordinates(points, affine)
    return ndimage.map_coordinates(np.asarray(volume, dtype=np.float32), coordinates, order=1,
                                   mode="constant", cval=outside)


def resample_labels(labels, affine, shape, target_affine):
    """A label map carried onto another grid by world coordinates, nearest neighbour: no alignment,
    the same world point keeps its label."""
    points = grid_points(shape, target_affine)
    return sample_nearest(np.asarray(labels), affine, points).reshape(shape)
