"""The dock widget: pick example (image, labels) layers and a query image, segment in a worker thread."""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
from napari.layers import Image, Labels
from napari.qt.threading import create_worker
from napari.utils.notifications import show_error
from qtpy.QtCore import Signal
from qtpy.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                            QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

import uvseg

from ._layers import LayerData, segment_layers

# (label shown, uvseg setting), the library's default first; planes: see _layers for why axis 0,
# napari's slider axis, is "axial".
PLANES = [("auto: axes with square-ish pixels", "auto"), ("axis 0, the slider's (axial)", "axial"),
          ("axis 1 (coronal)", "coronal"), ("axis 2 (sagittal)", "sagittal"), ("all three, averaged", "all")]
ALIGNMENTS = [("deformable registration", "deformable"), ("affine registration", "affine"),
              ("none: as stored", "none")]
METHODS = [("network and atlas, averaged", "fused"), ("atlas propagation", "atlas"), ("network", "network")]
INTENSITIES = [("MR: 0.5-99.5 percentiles", "mr"), ("CT: a window in HU", "ct")]


def _layer_names(viewer: Any, kind: type) -> List[str]:
    return [layer.name for layer in viewer.layers if isinstance(layer, kind)]


def _refill(combo: QComboBox, names: Sequence[str]) -> None:
    """Replaces a combo box's choices, keeping its selection when it still exists."""
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(list(names))
    if current in names:
        combo.setCurrentText(current)
    combo.blockSignals(False)


class SupportRow(QWidget):
    """One labelled example of the support set: an image layer and its labels layer."""

    def __init__(self, on_remove: Any):
        super().__init__()
        self.image = QComboBox()
        self.labels = QComboBox()
        remove = QPushButton("−")
        remove.setToolTip("Remove this example")
        remove.setFixedWidth(28)
        remove.clicked.connect(lambda: on_remove(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.labels, 1)
        layout.addWidget(remove)


class SegmentationWidget(QWidget):
    """Segments an image layer from labelled examples with uvseg and adds the result as a labels layer.

    The support set is a list of (image layer, labels layer) pairs; each labels layer must have its
    image's shape. Segmentation runs in a worker thread with a progress bar and can be cancelled.
    """

    # Emitted from the worker thread; Qt delivers it to the GUI thread.
    progressed = Signal(float, str)

    def __init__(self, napari_viewer: Any):
        super().__init__()
        self.viewer = napari_viewer
        self._models: Dict[str, uvseg.Model] = {}
        self._cancel = threading.Event()
        self.worker: Optional[Any] = None

        self.weights = QLineEdit()
        self.weights.setPlaceholderText("checkpoint (.pt, .safetensors); empty: built-in model")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        weights_row = QHBoxLayout()
        weights_row.addWidget(self.weights, 1)
        weights_row.addWidget(browse)

        self.support_rows: List[SupportRow] = []
        self._support_layout = QVBoxLayout()
        add_example = QPushButton("Add example")
        add_example.clicked.connect(self.add_support_row)

        self.query = QComboBox()
        self.align = QComboBox()
        for label, alignment in ALIGNMENTS:
            self.align.addItem(label, alignment)
        self.method = QComboBox()
        for label, method in METHODS:
            self.method.addItem(label, method)
        self.plane = QComboBox()
        for label, plane in PLANES:
            self.plane.addItem(label, plane)
        self.support_size = QSpinBox()
        self.support_size.setRange(1, 1024)
        self.support_size.setValue(16)
        self.ensemble = QSpinBox()
        self.ensemble.setRange(1, 32)
        # The square size slices are scaled to; 0: the size the model's checkpoint declares.
        self.input_size = QSpinBox()
        self.input_size.setRange(0, 1024)
        self.input_size.setSingleStep(8)
        self.input_size.setSpecialValueText("the model's own")
        self.intensity = QComboBox()
        for label, kind in INTENSITIES:
            self.intensity.addItem(label, kind)
        self.ct_level, self.ct_width = QDoubleSpinBox(), QDoubleSpinBox()
        for box, low, high, value in ((self.ct_level, -2000, 4000, 40), (self.ct_width, 1, 8000, 400)):
            box.setRange(low, high)
            box.setValue(value)
        ct_row = QHBoxLayout()
        for name, box in (("level", self.ct_level), ("width", self.ct_width)):
            ct_row.addWidget(QLabel(name))
            ct_row.addWidget(box, 1)
        self.bias_correction = QCheckBox("correct MR bias fields")
        self.bias_correction.setChecked(True)
        self.intensity.currentIndexChanged.connect(self._intensity_changed)
        self._intensity_changed()
        self.intensity_refinement = QCheckBox("refine by the query's intensities")
        self.intensity_refinement.setChecked(True)
        self.largest_component = QCheckBox("keep each label's largest component")
        self.fill_holes = QCheckBox("fill holes")

        self.run_button = QPushButton("Segment")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel("")
        self.status.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow("Weights", weights_row)
        form.addRow(QLabel("Examples (image, labels)"))
        form.addRow(self._support_layout)
        form.addRow(add_example)
        form.addRow("Query image", self.query)
        form.addRow("Examples aligned by", self.align)
        form.addRow("Segmented by", self.method)
        form.addRow("Slices along", self.plane)
        form.addRow("Support size", self.support_size)
        form.addRow("Ensemble", self.ensemble)
        form.addRow("Model input size", self.input_size)
        form.addRow("Intensities", self.intensity)
        form.addRow("CT window", ct_row)
        form.addRow(self.bias_correction)
        form.addRow(self.intensity_refinement)
        form.addRow(self.largest_component)
        form.addRow(self.fill_holes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        form.addRow(buttons)
        form.addRow(self.progress)
        form.addRow(self.status)
        form.addRow(QLabel("<small>uvseg is research software, not a medical device.</small>"))

        self.progressed.connect(self._show_progress)
        for event in (napari_viewer.layers.events.inserted, napari_viewer.layers.events.removed):
            event.connect(self._layers_changed)
        self.add_support_row()
        self._layers_changed()

    # ---- layer choices -------------------------------------------------------------------------

    def add_support_row(self) -> SupportRow:
        """Adds an (image, labels) example row, preselecting the first layers not yet used."""
        row = SupportRow(self._remove_support_row)
        self.support_rows.append(row)
        self._support_layout.addWidget(row)
        self._refresh_choices()
        used_images = {other.image.currentText() for other in self.support_rows[:-1]}
        used_labels = {other.labels.currentText() for other in self.support_rows[:-1]}
        for combo, used in ((row.image, used_images), (row.labels, used_labels)):
            unused = [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i) not in used]
            if unused:
                combo.setCurrentText(unused[0])
        return row

    def _remove_support_row(self, row: SupportRow) -> None:
        self.support_rows.remove(row)
        row.setParent(None)
        row.deleteLater()

    def _layers_changed(self, event: Any = None) -> None:
        for layer in self.viewer.layers:  # a renamed layer must be renamed in the choices too
            layer.events.name.disconnect(self._refresh_choices)
            layer.events.name.connect(self._refresh_choices)
        self._refresh_choices()

    def _refresh_choices(self, event: Any = None) -> None:
        images, labels = _layer_names(self.viewer, Image), _layer_names(self.viewer, Labels)
        _refill(self.query, images)
        for row in self.support_rows:
            _refill(row.image, images)
            _refill(row.labels, labels)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Model weights", "", "Checkpoints (*.pt *.safetensors)")
        if path:
            self.weights.setText(path)

    # ---- running -------------------------------------------------------------------------------

    def _intensity_changed(self) -> None:
        """The window applies to CT only, the bias field to MR only."""
        ct = self.intensity.currentData() == "ct"
        self.ct_level.setEnabled(ct)
        self.ct_width.setEnabled(ct)
        self.bias_correction.setEnabled(not ct)

    def settings(self) -> Dict[str, Any]:
        """The uvseg.segment settings the controls describe."""
        settings = dict(align=self.align.currentData(), method=self.method.currentData(),
                        plane=self.plane.currentData(), support_size=self.support_size.value(),
                        ensemble=self.ensemble.value(), input_size=self.input_size.value(),
                        intensity_refinement=self.intensity_refinement.isChecked(),
                        largest_component=self.largest_component.isChecked(), fill_holes=self.fill_holes.isChecked())
        if self.intensity.currentData() == "ct":
            settings["ct_window"] = (self.ct_level.value(), self.ct_width.value())
        else:
            settings["bias_correction"] = self.bias_correction.isChecked()
        return settings

    def start(self) -> None:
        """Reads the chosen layers (here, in the GUI thread) and segments in a worker thread."""
        try:
            query = LayerData.from_layer(self.viewer.layers[self.query.currentText()])
            support = [(LayerData.from_layer(self.viewer.layers[row.image.currentText()]),
                        LayerData.from_layer(self.viewer.layers[row.labels.currentText()]))
                       for row in self.support_rows]
        except KeyError:
            self._fail("Choose a query image and, for each example, an image and a labels layer.")
            return
        self._cancel.clear()
        # Handlers given through _connect, so napari does not also re-raise the worker's errors.
        self.worker = create_worker(
            self._segment, self.weights.text().strip(), query, support, self.settings(), _start_thread=False,
            _connect={"returned": lambda labels: self._add_result(query, labels), "errored": self._show_failure,
                      "finished": lambda: self._set_running(False)})
        self._set_running(True)
        self.status.setText("starting")
        self.progress.setValue(0)
        self.worker.start()

    def _segment(self, weights: str, query: LayerData, support: List[Tuple[LayerData, LayerData]],
                 settings: Dict[str, Any]) -> np.ndarray:
        """Runs in the worker thread."""
        return segment_layers(self._model(weights), query, support, progress=self._report, **settings)

    def _model(self, weights: str) -> uvseg.Model:
        """The model of a weights file (loaded once), or the built-in model for no file."""
        if weights not in self._models:
            self._models[weights] = uvseg.Model(weights) if weights else uvseg.Model.default()
        return self._models[weights]

    def _report(self, fraction: float, stage: str) -> bool:
        """uvseg's progress callback, on the worker thread: forwards, and asks to stop if cancelled."""
        self.progressed.emit(fraction, stage)
        return self._cancel.is_set()

    def _show_progress(self, fraction: float, stage: str) -> None:
        self.progress.setValue(round(100 * fraction))
        self.status.setText(stage)

    def _add_result(self, query: LayerData, labels: np.ndarray) -> None:
        # The query's data-to-world matrix puts the labels exactly over the query.
        self.viewer.add_labels(labels, name=f"{query.name} segmentation", affine=query.data_to_world)
        self.status.setText(f"done: labels {sorted(int(v) for v in np.unique(labels) if v)} in '{query.name} segmentation'")

    def _show_failure(self, error: BaseException) -> None:
        if isinstance(error, uvseg.CancelledError):
            self.status.setText("cancelled")
        else:
            self._fail(str(error))

    def _fail(self, message: str) -> None:
        self.status.setText(f"failed: {message}")
        show_error(f"uvseg: {message}")

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
