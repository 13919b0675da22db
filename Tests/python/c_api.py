"""The C contract as the ctypes tests see it: status codes, handle types, every signature the tests
call (declared once, on the library the `libuvseg` fixture loads) and two small helpers."""
import ctypes

import numpy as np

OK, INVALID_ARGUMENT, IO, BAD_FORMAT, UNSUPPORTED, OUT_OF_MEMORY, CANCELLED = range(7)
VOLUME = ctypes.c_void_p
HANDLE = ctypes.c_void_p
PROGRESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p)
FLOATS = np.ctypeslib.ndpointer(dtype=np.float32, flags="C_CONTIGUOUS")
INT64, INT32, DOUBLE, FLOAT = ctypes.c_int64, ctypes.c_int32, ctypes.c_double, ctypes.c_float


def declare(lib: ctypes.CDLL) -> None:
    """Sets argtypes/restype of the uvs_ functions the tests call."""
    lib.uvs_last_error.restype = ctypes.c_char_p
    lib.uvs_version.restype = ctypes.c_char_p
    lib.uvs_status_name.restype = ctypes.c_char_p
    lib.uvs_status_name.argtypes = [ctypes.c_int]

    lib.uvs_model_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(HANDLE)]
    lib.uvs_model_free.argtypes = [HANDLE]
    lib.uvs_predict.argtypes = [HANDLE, FLOATS, INT32, FLOATS, FLOATS, INT32, INT32, INT32, FLOATS]

    lib.uvs_volume_read.argtypes = [ctypes.c_char_p, INT64, ctypes.POINTER(VOLUME)]
    lib.uvs_volume_count_in_file.argtypes = [ctypes.c_char_p, ctypes.POINTER(INT64)]
    lib.uvs_volume_free.argtypes = [VOLUME]
    lib.uvs_volume_voxel_count.argtypes = [VOLUME]
    lib.uvs_volume_voxel_count.restype = INT64
    lib.uvs_volume_dims.argtypes = [VOLUME, ctypes.POINTER(INT64)]
    lib.uvs_volume_spacing.argtypes = [VOLUME, ctypes.POINTER(DOUBLE)]
    lib.uvs_volume_affine.argtypes = [VOLUME, ctypes.POINTER(DOUBLE)]
    lib.uvs_volume_axis_codes.argtypes = [VOLUME, ctypes.c_char_p]
    lib.uvs_volume_copy_data.argtypes = [VOLUME, ctypes.POINTER(FLOAT), INT64]
    lib.uvs_volume_create.argtypes = [VOLUME, ctypes.POINTER(FLOAT), INT64, ctypes.POINTER(VOLUME)]
    lib.uvs_volume_write_label_map.argtypes = [VOLUME, ctypes.POINTER(FLOAT), INT64, ctypes.c_char_p]
    lib.uvs_volume_write_probability_maps.argtypes = [VOLUME, ctypes.POINTER(FLOAT), INT32, INT64, ctypes.c_char_p]

    lib.uvs_options_create.argtypes = [ctypes.POINTER(HANDLE)]
    lib.uvs_options_free.argtypes = [HANDLE]
    lib.uvs_options_set_progress.argtypes = [HANDLE, PROGRESS, ctypes.c_void_p]
    for name in ["plane", "strategy", "support_size", "ensemble", "flip_augmentation", "input_size", "threads"]:
        getattr(lib, f"uvs_options_set_{name}").argtypes = [HANDLE, INT32]
    lib.uvs_options_set_labels.argtypes = [HANDLE, ctypes.POINTER(INT32), INT32]
    lib.uvs_options_set_empty_share.argtypes = [HANDLE, DOUBLE]

    lib.uvs_segment_volume.argtypes = [HANDLE, VOLUME, ctypes.POINTER(VOLUME), ctypes.POINTER(VOLUME), INT32, HANDLE,
                                       ctypes.POINTER(HANDLE)]
    lib.uvs_segmentation_free.argtypes = [HANDLE]
    lib.uvs_segmentation_label_map.argtypes = [HANDLE, ctypes.POINTER(VOLUME)]
    lib.uvs_segmentation_label_count.argtypes = [HANDLE]
    lib.uvs_segmentation_probabilities.argtypes = [HANDLE, INT32, ctypes.POINTER(INT32), ctypes.POINTER(VOLUME)]

    lib.uvs_validate.argtypes = [HANDLE, ctypes.POINTER(VOLUME), ctypes.POINTER(VOLUME), INT32, ctypes.POINTER(INT32),
                                 INT32, HANDLE, ctypes.POINTER(HANDLE)]
    lib.uvs_validation_free.argtypes = [HANDLE]
    lib.uvs_validation_json.argtypes = [HANDLE]
    lib.uvs_validation_json.restype = ctypes.c_char_p
    lib.uvs_validation_mean_dice.argtypes = [HANDLE, INT32, INT32, ctypes.POINTER(DOUBLE)]

    lib.uvs_evaluate.argtypes = [VOLUME, VOLUME, INT32, ctypes.c_void_p]
    lib.uvs_labels_keep_largest_components.argtypes = [VOLUME, INT32, ctypes.POINTER(VOLUME)]
    lib.uvs_labels_fill_holes.argtypes = [VOLUME, ctypes.POINTER(VOLUME)]


def check(api: ctypes.CDLL, status: int) -> None:
    """A call that must succeed; the library's message on failure."""
    assert status == OK, api.uvs_last_error().decode()


def read_volume(api: ctypes.CDLL, path) -> VOLUME:
    """The first volume of a NIfTI file, as a handle the caller frees."""
    volume = VOLUME()
    check(api, api.uvs_volume_read(str(path).encode(), 0, ctypes.byref(volume)))
    return volume
