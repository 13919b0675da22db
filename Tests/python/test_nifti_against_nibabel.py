"""uvseg's NIfTI reading and writing against nibabel, the reference every user compares with.

Files are generated here with nibabel: every numeric datatype, both byte orders, NIfTI-1 and -2,
.nii / .nii.gz / .hdr+.img, with and without scl_slope/scl_inter, several orientations (sform,
qform only, no transform at all), 3-D and 4-D. `uvseg info --json` must report the dims, affine,
axis codes, datatype and value statistics nibabel gives, and the voxels read through the C ABI
(libuvseg.so via ctypes) must equal nibabel's get_fdata() rounded to float32. Label and
probability maps written by uvseg must load in nibabel with the reference's affine and header
geometry (qform, sform, codes, pixdim, units) unchanged.

Needs the built command and library: UVSEG_BUILD_DIR, default .build/release (see conftest.py).
"""
import ctypes
import gzip
import itertools
import json
import math
import struct
import subprocess
import zlib

import nibabel as nib
import numpy as np
import pytest
from c_api import VOLUME, check

DTYPES = ["uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
FORMATS = [".nii", ".nii.gz", ".hdr"]


def rotation(axis, degrees):
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    i, j = [(1, 2), (0, 2), (0, 1)][axis]
    matrix = np.eye(3)
    matrix[i, i], matrix[i, j], matrix[j, i], matrix[j, j] = c, -s, s, c
    return matrix


def affine(matrix, offset):
    result = np.eye(4)
    result[:3, :3] = matrix
    result[:3, 3] = offset
    return result


# (name, affine, how the header stores it): "sform" writes both forms (nibabel's default),
# "qform" only the qform, "none" neither (nibabel then derives the affine from pixdim).
ORIENTATIONS = [
    ("RAS", affine(np.diag([2.0, 3.0, 4.0]), [-10, 20, 5.5]), "sform"),
    ("LAS", affine(np.diag([-1.5, 2.0, 2.5]), [90, -126, -72]), "sform"),
    ("LPS", affine(np.diag([-0.9, -0.9, 3.0]), [115, 115, -60]), "sform"),
    ("PSR", affine(np.array([[0, 0, 1.2], [-0.8, 0, 0], [0, 2.0, 0]]), [1, 2, 3]), "sform"),
    ("oblique", affine(rotation(0, 20) @ rotation(2, 10) @ np.diag([1.1, 0.9, 2.2]), [-50, 30, 12]), "sform"),
    ("qform only", affine(rotation(1, -35) @ np.diag([-1.0, 1.25, 1.5]), [7, -8, 9]), "qform"),
    ("no transform", np.diag([1.5, 2.5, 3.5, 1.0]), "none"),
]


def sample_data(dtype, shape, rng):
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    if info is None:
        return (rng.standard_normal(shape) * 100).astype(dtype)
    data = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    data.flat[0], data.flat[1] = info.min, info.max
    return data


def image_class(version, fmt):
    if fmt == ".hdr":
        return nib.Nifti1Pair if version == 1 else nib.Nifti2Pair
    return nib.Nifti1Image if version == 1 else nib.Nifti2Image


def make_image(data, version, fmt, endianness, orientation):
    _, matrix, stored = orientation
    cls = image_class(version, fmt)
    header = cls.header_class(endianness=endianness)
    image = cls(data, None if stored == "none" else matrix, header=header)
    image.set_data_dtype(data.dtype)
    if stored == "qform":
        image.set_sform(None, code=0)
        image.set_qform(matrix, code=1)
    if stored == "none":
        image.header.set_zooms(np.diag(matrix)[: data.ndim])
    return image


def set_scaling(path, slope, inter):
    """Patches scl_slope/scl_inter into a saved header (offsets of the standard); voxels stay."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = bytearray(f.read())
    endian = "<" if struct.unpack("<i", raw[:4])[0] in (348, 540) else ">"
    version = 1 if struct.unpack(endian + "i", raw[:4])[0] == 348 else 2
    offset, code = (112, "f") if version == 1 else (176, "d")
    raw[offset:offset + 2 * struct.calcsize(code)] = struct.pack(endian + 2 * code, slope, inter)
    with opener(path, "wb") as f:
        f.write(raw)


def info(command, path):
    result = subprocess.run([str(command), "info", str(path), "--json"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class Volume:
    """A volume read through the C ABI (or an existing handle taken over), freed on exit."""

    def __init__(self, api, path=None, index=0, handle=None):
        self.api, self.handle = api, handle
        if handle is None:
            self.handle = VOLUME()
            check(api, api.uvs_volume_read(str(path).encode(), index, ctypes.byref(self.handle)))

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.api.uvs_volume_free(self.handle)

    def dims(self):
        out = (ctypes.c_int64 * 3)()
        check(self.api, self.api.uvs_volume_dims(self.handle, out))
        return list(out)

    def spacing(self):
        out = (ctypes.c_double * 3)()
        check(self.api, self.api.uvs_volume_spacing(self.handle, out))
        return np.array(out)

    def affine(self):
        out = (ctypes.c_double * 16)()
        check(self.api, self.api.uvs_volume_affine(self.handle, out))
        return np.array(out).reshape(4, 4)

    def axis_codes(self):
        out = ctypes.create_string_buffer(4)
        check(self.api, self.api.uvs_volume_axis_codes(self.handle, out))
        return out.value.decode()

    def data(self):
        count = self.api.uvs_volume_voxel_count(self.handle)
        out = (ctypes.c_float * count)()
        check(self.api, self.api.uvs_volume_copy_data(self.handle, out, count))
        return np.ctypeslib.as_array(out).reshape(self.dims(), order="F").copy()


def reading_cases():
    """Every datatype x byte order x version x format; scaling and orientation rotate through."""
    for n, (dtype, endianness, version, fmt) in enumerate(
            itertools.product(DTYPES, "<>", (1, 2), FORMATS)):
        scaled = n % 2 == 0
        orientation = ORIENTATIONS[n % len(ORIENTATIONS)]
        yield pytest.param(dtype, endianness, version, fmt, scaled, orientation,
                           id=f"{dtype}-{endianness}-v{version}{fmt}-{'scaled' if scaled else 'raw'}-{orientation[0]}")


@pytest.mark.parametrize("dtype, endianness, version, fmt, scaled, orientation", list(reading_cases()))
def test_reads_like_nibabel(api, uvseg_command, tmp_path, dtype, endianness, version, fmt, scaled, orientation):
    rng = np.random.default_rng(zlib.crc32(f"{dtype}{endianness}{version}{fmt}".encode()))
    path = tmp_path / f"image{fmt}"
    nib.save(make_image(sample_data(dtype, (5, 4, 3), rng), version, fmt, endianness, orientation), path)
    if scaled:
        set_scaling(path, 0.5, -3.25)
    reference = nib.load(path)
    assert reference.header.endianness == endianness
    expected = reference.get_fdata()
    if scaled:
        assert reference.dataobj.slope == 0.5 and reference.dataobj.inter == -3.25

    facts = info(uvseg_command, path)
    assert facts["dims"] == list(reference.shape)
    assert facts["datatype"] == dtype
    assert facts["nifti_version"] == version
    assert facts["byte_order"] == ("little" if endianness == "<" else "big")
    assert facts["sform_code"] == int(reference.header["sform_code"])
    assert facts["qform_code"] == int(reference.header["qform_code"])
    np.testing.assert_allclose(facts["pixdim"], reference.header["pixdim"][1:4], rtol=1e-6)
    np.testing.assert_allclose(facts["affine"], reference.affine, atol=1e-5)
    assert facts["axcodes"] == "".join(nib.aff2axcodes(reference.affine))
    as_float32 = expected.astype(np.float32)
    assert facts["min"] == float(as_float32.min()) and facts["max"] == float(as_float32.max())
    # uvseg sums the float32 voxels in float64; so does this reference.
    widest = float(np.abs(as_float32.astype(np.float64)).max())
    assert math.isclose(facts["mean"], as_float32.astype(np.float64).mean(), rel_tol=1e-9, abs_tol=1e-12 * widest)

    with Volume(api, path) as volume:
        assert volume.dims() == list(reference.shape)
        np.testing.assert_allclose(volume.affine(), reference.affine, atol=1e-5)
        np.testing.assert_allclose(volume.spacing(), nib.affines.voxel_sizes(reference.affine), atol=1e-5)
        assert volume.axis_codes() == "".join(nib.aff2axcodes(reference.affine))
        np.testing.assert_array_equal(volume.data(), as_float32)


def test_four_dimensional_volumes_by_index(api, uvseg_command, tmp_path):
    rng = np.random.default_rng(4)
    data = rng.integers(-500, 500, size=(4, 3, 2, 5)).astype(np.int16)
    path = tmp_path / "series.nii.gz"
    image = nib.Nifti1Image(data, ORIENTATIONS[1][1])
    image.header.set_zooms((1.5, 2.0, 2.5, 0.8))
    nib.save(image, path)
    facts = info(uvseg_command, path)
    assert facts["dims"] == [4, 3, 2, 5] and facts["volumes"] == 5
    np.testing.assert_allclose(facts["pixdim"], [1.5, 2.0, 2.5, 0.8], rtol=1e-6)
    assert facts["min"] == data.min() and facts["max"] == data.max()
    assert math.isclose(facts["mean"], data.mean(), rel_tol=1e-9)
    count = ctypes.c_int64()
    check(api, api.uvs_volume_count_in_file(str(path).encode(), ctypes.byref(count)))
    assert count.value == 5
    for index in (0, 3, 4):
        with Volume(api, path, index) as volume:
            np.testing.assert_array_equal(volume.data(), data[..., index].astype(np.float32))
    volume = VOLUME()
    assert api.uvs_volume_read(str(path).encode(), 5, ctypes.byref(volume)) == 1
    assert "out of range" in api.uvs_last_error().decode()


def test_nan_and_inf_voxels_are_kept(api, uvseg_command, tmp_path):
    data = np.arange(24, dtype=np.float32).reshape(4, 3, 2)
    data[1, 1, 1], data[2, 0, 1] = np.nan, np.inf
    path = tmp_path / "holes.nii"
    nib.save(nib.Nifti1Image(data, np.eye(4)), path)
    facts = info(uvseg_command, path)
    assert facts["min"] is None and facts["mean"] is None
    assert facts["nan_voxels"] == 1 and facts["infinite_voxels"] == 1
    with Volume(api, path) as volume:
        np.testing.assert_array_equal(volume.data(), data)


REFERENCES = [
    ("n1-oblique", 1, "<", ".nii", ORIENTATIONS[4]),
    ("n1-big-endian-LPS", 1, ">", ".nii.gz", ORIENTATIONS[2]),
    ("n2-PSR", 2, "<", ".nii", ORIENTATIONS[3]),
    ("n1-qform-only", 1, "<", ".hdr", ORIENTATIONS[5]),
    ("n2-no-transform", 2, ">", ".nii.gz", ORIENTATIONS[6]),
]


def reference_file(tmp_path, version, endianness, fmt, orientation):
    path = tmp_path / f"reference{fmt}"
    image = make_image(np.zeros((6, 5, 4), np.int16), version, fmt, endianness, orientation)
    image.header.set_xyzt_units("mm", "msec")
    image.header.set_dim_info(freq=1, phase=0, slice=2)
    nib.save(image, path)
    return path


def assert_same_geometry(written, reference):
    assert np.array_equal(written.affine, reference.affine)
    for field in ("sform_code", "qform_code", "quatern_b", "quatern_c", "quatern_d",
                  "qoffset_x", "qoffset_y", "qoffset_z", "srow_x", "srow_y", "srow_z", "xyzt_units", "dim_info"):
        assert np.array_equal(written.header[field], reference.header[field]), field
    assert np.array_equal(written.header["pixdim"][:4], reference.header["pixdim"][:4])
    assert np.array_equal(written.header.get_qform(), reference.header.get_qform())
    assert np.array_equal(written.header.get_sform(), reference.header.get_sform())
    assert written.header.sizeof_hdr == reference.header.sizeof_hdr  # the same NIfTI version


@pytest.mark.parametrize("name, version, endianness, fmt, orientation", REFERENCES, ids=[r[0] for r in REFERENCES])
@pytest.mark.parametrize("extension", [".nii", ".nii.gz"])
def test_written_maps_keep_the_reference_geometry(api, tmp_path, name, version, endianness, fmt, orientation, extension):
    reference_path = reference_file(tmp_path, version, endianness, fmt, orientation)
    reference = nib.load(reference_path)
    rng = np.random.default_rng(7)
    with Volume(api, reference_path) as volume:
        for top, dtype in ((4, np.uint8), (300, np.uint16)):
            labels = rng.integers(0, top, size=reference.shape).astype(np.float32)
            buffer = np.asfortranarray(labels).ravel(order="F")
            out = tmp_path / f"labels{top}{extension}"
            check(api, api.uvs_volume_write_label_map(
                volume.handle, buffer.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), buffer.size, str(out).encode()))
            written = nib.load(out)
            assert written.get_data_dtype() == dtype
            assert written.header.get_intent()[0] == "label"
            assert_same_geometry(written, reference)
            np.testing.assert_array_equal(written.get_fdata(), labels)

        maps = rng.random((3,) + reference.shape).astype(np.float32)
        buffer = np.concatenate([m.ravel(order="F") for m in maps])
        out = tmp_path / f"probabilities{extension}"
        check(api, api.uvs_volume_write_probability_maps(
            volume.handle, buffer.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), 3, maps[0].size, str(out).encode()))
        written = nib.load(out)
        assert written.shape == reference.shape + (3,) and written.get_data_dtype() == np.float32
        assert_same_geometry(written, reference)
        np.testing.assert_array_equal(written.get_fdata(), np.moveaxis(maps, 0, -1))


def test_refused_write_leaves_no_file(api, tmp_path):
    reference_path = reference_file(tmp_path, 1, "<", ".nii", ORIENTATIONS[0])
    before = sorted(p.name for p in tmp_path.iterdir())
    with Volume(api, reference_path) as volume:
        labels = np.full(volume.api.uvs_volume_voxel_count(volume.handle), 2.5, np.float32)
        status = api.uvs_volume_write_label_map(
            volume.handle, labels.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), labels.size,
            str(tmp_path / "out.nii.gz").encode())
    assert status == 1 and "whole numbers" in api.uvs_last_error().decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("content, message", [
    (b"", "too short for a NIfTI header"),
    (b"\x5c\x01\x00\x00" + b"\x00" * 400, "not a NIfTI file"),
])
def test_info_reports_bad_files(uvseg_command, tmp_path, content, message):
    path = tmp_path / "bad.nii"
    path.write_bytes(content)
    result = subprocess.run([str(uvseg_command), "info", str(path)], capture_output=True, text=True)
    assert result.returncode != 0 and message in result.stderr


def test_c_abi_refuses_bad_arguments(api, tmp_path):
    path = reference_file(tmp_path, 1, "<", ".nii", ORIENTATIONS[0])
    handle = VOLUME()
    assert api.uvs_volume_read(None, 0, ctypes.byref(handle)) == 1
    assert "path must not be NULL" in api.uvs_last_error().decode()
    assert api.uvs_volume_read(str(path).encode(), -1, ctypes.byref(handle)) == 1
    assert api.uvs_volume_read(str(path).encode(), 0, None) == 1
    assert api.uvs_volume_read(str(tmp_path / "absent.nii").encode(), 0, ctypes.byref(handle)) == 2
    assert not handle.value
    api.uvs_volume_free(None)
    assert api.uvs_volume_voxel_count(None) == 0
    assert api.uvs_volume_dims(None, (ctypes.c_int64 * 3)()) == 1
    with Volume(api, path) as volume:
        count = api.uvs_volume_voxel_count(volume.handle)
        small = (ctypes.c_float * (count - 1))()
        assert api.uvs_volume_copy_data(volume.handle, small, count - 1) == 1
        assert "holds %d floats" % (count - 1) in api.uvs_last_error().decode()
        assert api.uvs_volume_affine(volume.handle, None) == 1
        assert api.uvs_volume_axis_codes(volume.handle, None) == 1
        buffer = (ctypes.c_float * count)(*range(count))
        made = VOLUME()
        assert api.uvs_volume_create(volume.handle, buffer, count + 1, ctypes.byref(made)) == 1
        assert api.uvs_volume_create(None, buffer, count, ctypes.byref(made)) == 1
        check(api, api.uvs_volume_create(volume.handle, buffer, count, ctypes.byref(made)))
        with Volume(api, handle=made) as created:
            np.testing.assert_array_equal(created.affine(), volume.affine())
            np.testing.assert_array_equal(
                created.data(), np.arange(count, dtype=np.float32).reshape(volume.dims(), order="F"))
        assert api.uvs_volume_write_probability_maps(volume.handle, buffer, 0, count, b"x.nii") == 1
        assert api.uvs_volume_write_label_map(volume.handle, buffer, count, None) == 1
