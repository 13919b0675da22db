"""uvseg.Volume against nibabel: the same array and affine in both directions, files written
by the library read back by nibabel, and errors as exceptions."""
import nibabel as nib
import numpy as np
import pytest

import uvseg
from conftest import OBLIQUE_AFFINE


def test_read_gives_nibabels_array_affine_and_axis_codes(nifti, rng):
    data = rng.normal(size=(5, 4, 3)).astype(np.float32)
    path = nifti(data)
    image = nib.load(path)
    with uvseg.Volume.read(path) as volume:
        assert volume.shape == (5, 4, 3) and volume.voxel_count == 60
        np.testing.assert_array_equal(volume.to_numpy(), image.get_fdata(dtype=np.float32))
        np.testing.assert_allclose(volume.affine, image.affine, atol=1e-6)
        np.testing.assert_allclose(volume.spacing, np.linalg.norm(image.affine[:3, :3], axis=0), rtol=1e-6)
        assert volume.axis_codes == "".join(nib.aff2axcodes(image.affine))


def test_numpy_and_affine_round_trip(rng):
    data = rng.integers(-100, 100, size=(6, 5, 4)).astype(np.int16)
    with uvseg.Volume.from_numpy(data, OBLIQUE_AFFINE) as volume:
        np.testing.assert_array_equal(volume.to_numpy(), data.astype(np.float32))
        np.testing.assert_allclose(volume.affine, OBLIQUE_AFFINE, atol=1e-6)
        image = volume.to_nibabel()
    np.testing.assert_array_equal(image.get_fdata(), data)
    np.testing.assert_allclose(image.affine, OBLIQUE_AFFINE, atol=1e-6)


def test_from_nibabel_keeps_scaling_and_orientation():
    image = nib.Nifti1Image(np.arange(24, dtype=np.int16).reshape(2, 3, 4), np.diag([-2.0, -1.0, 3.0, 1.0]))
    image.header.set_slope_inter(0.5, 10)
    volume = uvseg.Volume.from_nibabel(image)
    np.testing.assert_allclose(volume.to_numpy(), np.arange(24).reshape(2, 3, 4) * 0.5 + 10)
    assert volume.axis_codes == "LPS"


def test_a_4d_file_holds_several_volumes(nifti):
    data = np.stack([np.full((3, 3, 2), value, np.float32) for value in (1, 2, 3)], axis=-1)
    path = nifti(data)
    assert uvseg.Volume.count_in_file(path) == 3
    assert uvseg.Volume.read(path, index=2).to_numpy().max() == 3
    with pytest.raises(uvseg.InvalidArgumentError):
        uvseg.Volume.read(path, index=3)


def test_label_maps_are_written_on_the_reference_grid(nifti, tmp_path, rng):
    reference = uvseg.Volume.read(nifti(rng.normal(size=(4, 5, 6))))
    labels = rng.integers(0, 3, size=(4, 5, 6))
    reference.write_label_map(tmp_path / "labels.nii.gz", labels)
    written = nib.load(tmp_path / "labels.nii.gz")
    assert written.get_data_dtype() == np.uint8
    np.testing.assert_array_equal(np.asanyarray(written.dataobj), labels)
    np.testing.assert_allclose(written.affine, reference.affine, atol=1e-6)


def test_probability_maps_are_written_as_a_4d_file(nifti, tmp_path, rng):
    reference = uvseg.Volume.read(nifti(np.zeros((4, 5, 6))))
    maps = rng.random(size=(4, 5, 6, 2)).astype(np.float32)
    reference.write_probability_maps(tmp_path / "maps.nii", maps)
    np.testing.assert_array_equal(nib.load(tmp_path / "maps.nii").get_fdata(dtype=np.float32), maps)
    reference.write_probability_maps(tmp_path / "one.nii", maps[..., 0])
    assert nib.load(tmp_path / "one.nii").shape == (4, 5, 6)


def test_with_voxels_makes_a_volume_on_the_same_grid(nifti):
    reference = uvseg.Volume.read(nifti(np.zeros((3, 4, 5))))
    data = np.arange(60, dtype=np.float64).reshape(3, 4, 5)
    derived = reference.with_voxels(data)
    np.testing.assert_array_equal(derived.to_numpy(), data)
    np.testing.assert_array_equal(derived.affine, reference.affine)


def test_wrong_shapes_and_bad_files_raise(nifti, tmp_path):
    reference = uvseg.Volume.read(nifti(np.zeros((3, 4, 5))))
    with pytest.raises(ValueError, match=r"labels has shape \(5, 4, 3\), expected \(3, 4, 5\)"):
        reference.write_label_map(tmp_path / "x.nii", np.zeros((5, 4, 3)))
    with pytest.raises(uvseg.InvalidArgumentError, match="x.png|.nii"):
        reference.write_label_map(tmp_path / "x.png", np.zeros((3, 4, 5)))
    with pytest.raises(uvseg.InvalidArgumentError):
        reference.write_label_map(tmp_path / "x.nii", np.full((3, 4, 5), 0.5))
    assert not (tmp_path / "x.nii").exists()
    with pytest.raises(uvseg.InputOutputError, match="missing.nii"):
        uvseg.Volume.read(tmp_path / "missing.nii")
    (tmp_path / "junk.nii").write_bytes(b"not a nifti file" * 40)
    with pytest.raises(uvseg.BadFormatError):
        uvseg.Volume.read(tmp_path / "junk.nii")
