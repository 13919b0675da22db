"""napari-uvseg: segment an image layer from labelled example layers with uvseg, inside napari.

The plug-in contributes one dock widget (Plugins > uvseg > Segment from examples); see
_widget.SegmentationWidget. It needs the uvseg Python package and libuvseg (see its README).
"""
import importlib.metadata

# The installed distribution's version: include/uvseg.h's, set when the package was built.
__version__ = importlib.metadata.version("napari-uvseg")
