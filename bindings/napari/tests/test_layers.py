"""Layer data to volumes and back: axes, geometry, and the same result as uvseg.segment."""
import numpy as np
import pytest

import uvseg
from napari_uvseg._layers import LayerData, segment_layers, to_layer_data, to_volume, volume_affine
from conftest import WEIGHTS


def layer(name, data, scale=(3.0, 1.0, 0.5), translate=(10.0, -4.0, 2.0)):
    matrix = np.diag(list(scale) + [1.0])
    matrix[:-1, -1] = translate
    return LayerData(name, data, matrix)


def test_the_slider_axis_becomes_the_axial_axis(phantoms):
    image, _ = phantoms[0]
    volume = to_volume(layer("image", image))
    assert volume.shape == image.shape[::-1]
    assert volume.spacing == pytest.approx((0.5, 1.0, 3.0))
    assert volume.axis_codes == "RAS"
    np.testing.assert_array_equal(volume.to_numpy(), image.transpose(2, 1, 0))
    # Voxel (i, j, k) = layer index (k, j, i) lands where napari puts that index, axes reversed.
    index = np.array([1, 2, 3])
    world = layer("image", image).data_to_world @ np.append(index[::-1], 1)
    np.testing.assert_allclose(volume.affine @ np.append(index, 1), np.append(world[:3][::-1], 1))


def test_a_2d_layer_is_a_one_slice_volume():
    matrix = np.array([[2.0, 0, 5], [0, 0.5, 1], [0, 0, 1]])
    affine = volume_affine(matrix)
    np.testing.assert_array_equal(affine, [[0.5, 0, 0, 1], [0, 2, 0, 5], [0, 0, 1, 0], [0, 0, 0, 1]])
    volume = to_volume(LayerData("slice", np.zeros((4, 6)), matrix))
    assert volume.shape == (6, 4, 1)
    assert to_layer_data(volume, ndim=2).shape == (4, 6)
    with pytest.raises(ValueError, match="4-D"):
        to_volume(LayerData("movie", np.zeros((2, 3, 4, 5)), np.eye(5)))


def test_segment_layers_equals_uvseg_segment_on_the_same_volumes(phantoms):
    (query, _), *examples = phantoms
    query_layer = layer("query", query)
    # Labels layers keep napari's default transform: they are taken to lie on their image's grid.
    support = [(layer(f"image{n}", image), LayerData(f"labels{n}", labels, np.eye(4)))
               for n, (image, labels) in enumerate(examples)]
    with uvseg.Model(WEIGHTS) as model:
        ours = segment_layers(model, query_layer, support, support_size=3, labels=[1, 2])
        direct = uvseg.segment(model, to_volume(query_layer), [to_volume(image) for image, _ in support],
                               [to_volume(layer(labels.name, labels.data)) for _, labels in support],
                               support_size=3, labels=[1, 2])
    assert ours.shape == query.shape and ours.dtype == np.int32
    np.testing.assert_array_equal(ours, direct.label_map.to_numpy().transpose(2, 1, 0))


def test_mismatched_or_missing_support_is_refused(phantoms):
    (query, _), (image, labels), _ = phantoms
    with uvseg.Model(WEIGHTS) as model:
        with pytest.raises(ValueError, match="empty"):
            segment_layers(model, layer("query", query), [])
        with pytest.raises(ValueError, match="differ in shape"):
            segment_layers(model, layer("query", query), [(layer("image", image), layer("labels", labels[:, :-1]))])


def test_the_plugin_is_released_with_uvseg():
    import napari_uvseg

    assert napari_uvseg.__version__ == uvseg.__version__
