"""The dock widget in a real napari viewer (napari's make_napari_viewer fixture, pytest-qt's qtbot)."""
import npe2
import numpy as np
import pytest

import uvseg
from napari_uvseg._layers import LayerData, segment_layers
from napari_uvseg._widget import SegmentationWidget
from conftest import WEIGHTS

TIMEOUT_MS = 120_000


@pytest.fixture
def viewer_with_phantoms(make_napari_viewer, phantoms):
    viewer = make_napari_viewer()
    (query, _), *examples = phantoms
    for number, (image, labels) in enumerate(examples, 1):
        viewer.add_image(image, name=f"example {number}", scale=(3, 1, 1))
        viewer.add_labels(labels, name=f"example {number} labels", scale=(3, 1, 1))
    viewer.add_image(query, name="query", scale=(3, 1, 1), translate=(0, 5, 0))
    return viewer


def open_widget(viewer):
    _, widget = viewer.window.add_plugin_dock_widget("napari-uvseg", "Segment from examples")
    return widget


def test_the_manifest_contributes_the_widget():
    manifest = npe2.PluginManifest.from_distribution("napari-uvseg")
    assert [widget.display_name for widget in manifest.contributions.widgets] == ["Segment from examples"]


def test_segmenting_adds_a_labels_layer_over_the_query(viewer_with_phantoms, qtbot):
    viewer = viewer_with_phantoms
    widget = open_widget(viewer)
    assert isinstance(widget, SegmentationWidget)
    assert widget.weights.text() == ""  # no file: the built-in model
    widget.add_support_row()
    # Rows preselect unused layers in order; the query combo is set explicitly.
    assert [(row.image.currentText(), row.labels.currentText()) for row in widget.support_rows] == [
        ("example 1", "example 1 labels"), ("example 2", "example 2 labels")]
    widget.query.setCurrentText("query")
    widget.support_size.setValue(3)
    stages = []
    widget.progressed.connect(lambda fraction, stage: stages.append((fraction, stage)))

    widget.run_button.click()
    qtbot.waitUntil(lambda: "query segmentation" in viewer.layers, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: widget.run_button.isEnabled(), timeout=TIMEOUT_MS)

    result = viewer.layers["query segmentation"]
    assert result.data.shape == viewer.layers["query"].data.shape
    np.testing.assert_allclose(result.affine.affine_matrix, LayerData.from_layer(viewer.layers["query"]).data_to_world)
    with uvseg.Model.default() as model:
        expected = segment_layers(
            model, LayerData.from_layer(viewer.layers["query"]),
            [(LayerData.from_layer(viewer.layers[f"example {n}"]), LayerData.from_layer(viewer.layers[f"example {n} labels"]))
             for n in (1, 2)], **widget.settings())
    np.testing.assert_array_equal(result.data, expected)
    assert widget.progress.value() == 100 and widget.status.text().startswith("done")
    assert set(np.unique(result.data)) <= {0, 1, 2}
    # The defaults: support aligned to the query, then the network and atlas propagation.
    assert stages and stages[-1][0] == 1.0 and {"preparing", "aligning", "combining"} <= {stage for _, stage in stages}


def test_intensity_controls_reach_the_settings(viewer_with_phantoms):
    """MR by default, with bias correction and refinement; a CT window replaces the percentiles and
    the bias field, which its controls then show."""
    widget = open_widget(viewer_with_phantoms)
    settings = widget.settings()
    assert (settings["bias_correction"], settings["intensity_refinement"]) == (True, True)
    assert "ct_window" not in settings and not widget.ct_level.isEnabled()
    widget.intensity.setCurrentIndex(widget.intensity.findData("ct"))
    widget.ct_level.setValue(60)
    widget.ct_width.setValue(350)
    widget.intensity_refinement.setChecked(False)
    settings = widget.settings()
    assert settings["ct_window"] == (60, 350) and settings["intensity_refinement"] is False
    assert "bias_correction" not in settings
    assert widget.ct_width.isEnabled() and not widget.bias_correction.isEnabled()
    widget.intensity.setCurrentIndex(widget.intensity.findData("mr"))
    widget.bias_correction.setChecked(False)
    assert widget.settings()["bias_correction"] is False and "ct_window" not in widget.settings()


def test_cancel_stops_the_worker_and_adds_nothing(viewer_with_phantoms, qtbot):
    viewer = viewer_with_phantoms
    widget = open_widget(viewer)
    widget.weights.setText(str(WEIGHTS))
    widget.query.setCurrentText("query")
    widget.support_size.setValue(3)
    widget.progressed.connect(lambda fraction, stage: widget.cancel_button.click())  # at the first report
    widget.run_button.click()
    qtbot.waitUntil(lambda: widget.status.text() == "cancelled", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: widget.run_button.isEnabled(), timeout=TIMEOUT_MS)
    assert "query segmentation" not in viewer.layers


def test_failures_are_reported_in_the_widget(viewer_with_phantoms, qtbot, tmp_path):
    viewer = viewer_with_phantoms
    widget = open_widget(viewer)
    widget.weights.setText(str(tmp_path / "missing.pt"))
    widget.query.setCurrentText("query")
    widget.run_button.click()
    qtbot.waitUntil(lambda: widget.status.text().startswith("failed"), timeout=TIMEOUT_MS)
    assert "missing.pt" in widget.status.text()
    assert "query segmentation" not in viewer.layers


def test_layer_choices_follow_the_viewer(viewer_with_phantoms):
    viewer = viewer_with_phantoms
    widget = open_widget(viewer)
    viewer.add_image(np.zeros((5, 20, 24)), name="late image")
    assert "late image" in [widget.query.itemText(i) for i in range(widget.query.count())]
    viewer.layers["late image"].name = "renamed"
    names = [widget.query.itemText(i) for i in range(widget.query.count())]
    assert "renamed" in names and "late image" not in names
    del viewer.layers["renamed"]
    assert "renamed" not in [widget.query.itemText(i) for i in range(widget.query.count())]
