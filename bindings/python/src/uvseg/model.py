"""`Model`: the network's weights, loaded once, and prediction on 2-D images."""
from __future__ import annotations

import ctypes
import os
from typing import Any, Optional, Union

import numpy as np

from ._arrays import float32_buffer, require_shape
from ._handle import Handle
from ._library import FloatBuffer, HANDLE, HANDLE_OUT, STATUS, function, int32_argument, path_argument
from .options import Options

_load = function("uvs_model_load", STATUS, ctypes.c_char_p, HANDLE_OUT)
_load_default = function("uvs_model_load_default", STATUS, HANDLE_OUT)
_free = function("uvs_model_free", None, HANDLE)
_size_multiple = function("uvs_model_size_multiple", ctypes.c_int32, HANDLE)
_predict = function("uvs_predict", STATUS, HANDLE, FloatBuffer, ctypes.c_int32, FloatBuffer, FloatBuffer,
                    ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, FloatBuffer)
_predict_with_options = function("uvs_predict_with_options", STATUS, HANDLE, FloatBuffer, ctypes.c_int32,
                                 FloatBuffer, FloatBuffer, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32, HANDLE,
                                 FloatBuffer)

PathLike = Union[str, "os.PathLike[str]"]


class Model(Handle):
    """A loaded UniverSeg network. Immutable: one model may predict from many threads at once.

    >>> with uvseg.Model("universeg_v1_nf64_ss64_STA.pt") as model:
    ...     logits = model.predict(query, support_images, support_labels)

    Loads a PyTorch checkpoint (.pt) or a safetensors file, recognised by content; raises
    `uvseg.InputOutputError`, `uvseg.BadFormatError` or `uvseg.UnsupportedError` for a file it
    cannot use. The weights stay loaded until `close()` or the end of the `with` block.
    """

    _free = _free

    def __init__(self, path: PathLike):
        handle = ctypes.c_void_p()
        _load(path_argument(path), ctypes.byref(handle))
        super().__init__(handle)

    @classmethod
    def default(cls) -> "Model":
        """The small model built into the library (uvs_model_load_default): needs no file, and is
        far weaker than the published UniverSeg weights; for trying uvseg out, not clinical use."""
        handle = ctypes.c_void_p()
        _load_default(ctypes.byref(handle))
        model = cls.__new__(cls)
        Handle.__init__(model, handle)
        return model

    @property
    def size_multiple(self) -> int:
        """What image height and width must be multiples of (8 for the published model)."""
        return int(_size_multiple(self.handle))

    def predict(self, query: Any, support_images: Any, support_labels: Any,
                threads: Optional[int] = None) -> np.ndarray:
        """Segments query images with one support set and returns their logits.

        Args:
            query: one image (H, W) or a batch (N, H, W), any float dtype, values in [0, 1].
            support_images: (S, H, W), any float dtype, values in [0, 1].
            support_labels: (S, H, W), 0/1 or soft labels in [0, 1]; float, integer or bool.
            threads: threads of the computation [every core]; the logits do not depend on it.

        Returns:
            float32 logits shaped like `query`: probability = 1 / (1 + exp(-logit)); a pixel is
            foreground where its logit > 0. C-contiguous float32 inputs are passed without a copy.

        H and W must be multiples of `size_multiple`. The GIL is released during the computation.
        """
        query_array = float32_buffer(query, "query")
        images = float32_buffer(support_images, "support_images")
        labels = float32_buffer(support_labels, "support_labels", allow_integers=True)
        if query_array.ndim not in (2, 3):
            raise ValueError(f"query must be (H, W) or (N, H, W), got shape {query_array.shape}")
        if images.ndim != 3:
            raise ValueError(f"support_images must be (S, H, W), got shape {images.shape}")
        height, width = query_array.shape[-2:]
        require_shape(images, (images.shape[0], height, width), "support_images")
        require_shape(labels, images.shape, "support_labels")
        n_query = 1 if query_array.ndim == 2 else query_array.shape[0]
        logits = np.empty(query_array.shape, dtype=np.float32)
        sizes = (int32_argument(n_query, "the query count"), images, labels,
                 int32_argument(images.shape[0], "the support size"),
                 int32_argument(height, "the height"), int32_argument(width, "the width"))
        if threads is None:
            _predict(self.handle, query_array, *sizes, logits)
        else:
            with Options({"threads": threads}) as options:
                _predict_with_options(self.handle, query_array, *sizes, options.handle, logits)
        return logits
