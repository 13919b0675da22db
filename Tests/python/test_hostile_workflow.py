"""Volume segmentation with hostile sizes and options, through the C API and the command, each in a
process of its own under the address-space limit of hostile.py: every case ends with a status and a
message (or a result), never with a signal.

- an empty share just below 1 with more than 1024 foreground slices (the empty-slice bound
  overflowed an Int);
- a support pool of two canvases per support slice far beyond the memory limit: a 1 x 1 x 5000
  support at input size 1024, or an ordinary 64 x 64 x 400 support with a checkpoint declaring
  `uvseg.input_size` = 1024;
- per-label probabilities of 255 labels on a 256 x 256 x 32 query (2 GiB that were held twice),
  and the atlas's sums of 255 labels on a 512 x 512 x 40 query;
- a query of 1e-6 mm voxels aligned to a support of 1e6 mm voxels (registration's blur to the
  coarsest voxel asked for a kernel of terabytes).
"""
import nibabel as nib
import numpy as np
import pytest

from c_api import INVALID_ARGUMENT, OK, OUT_OF_MEMORY
from conftest import BUILD_DIR
from hostile import run_c_api, run_limited
from volume_phantoms import small_weights

LIBRARY = BUILD_DIR / "libuvseg.so"


def write(path, data, voxel_mm=1.0):
    nib.save(nib.Nifti1Image(np.ascontiguousarray(data), np.diag([voxel_mm] * 3 + [1.0])), path)
    return path


def labelled(folder, name, labels, seed=0):
    """NAME_image.nii and NAME_label.nii: random intensities and `labels` (uint8)."""
    image = np.random.default_rng(seed).random(labels.shape, dtype=np.float32)
    return write(folder / f"{name}_image.nii", image), write(folder / f"{name}_label.nii", labels.astype(np.uint8))


def query(folder, shape):
    return write(folder / "query.nii", np.random.default_rng(1).random(shape, dtype=np.float32))


def segment_through_c_api(query_path, support, *, model="default", setters=""):
    """Runs uvs_segment_volume in a limited process; `model` is "default" or a checkpoint path and
    `setters` option calls on `options`. Reports the status, the message and the label count."""
    load = ("lib.uvs_model_load_default(ctypes.byref(model))" if model == "default"
            else f"lib.uvs_model_load({str(model).encode()!r}, ctypes.byref(model))")
    return run_c_api(LIBRARY, f"""
        def read(path):
            volume = VOLUME()
            assert lib.uvs_volume_read(str(path).encode(), 0, ctypes.byref(volume)) == OK, lib.uvs_last_error()
            return volume
        model, options, result = HANDLE(), HANDLE(), HANDLE()
        assert {load} == OK, lib.uvs_last_error()
        assert lib.uvs_options_create(ctypes.byref(options)) == OK
        # The network on the support as stored (UVS_ALIGN_NONE, UVS_METHOD_NETWORK): its pools,
        # canvases and probabilities are what these inputs attack.
        assert lib.uvs_options_set_alignment(options, 0) == OK and lib.uvs_options_set_method(options, 0) == OK
        {setters}
        images = (VOLUME * 1)(read({str(support[0])!r}))
        labels = (VOLUME * 1)(read({str(support[1])!r}))
        status = lib.uvs_segment_volume(model, read({str(query_path)!r}), images, labels, 1, options,
                                        ctypes.byref(result))
        report(status, labels=lib.uvs_segmentation_label_count(result) if status == OK else 0)
        """, timeout=300)


def segment_through_command(uvseg_command, folder, query_path, support, *options):
    out = folder / "out.nii.gz"
    result = run_limited([uvseg_command, "segment", "--query", query_path, "--support", f"{support[0]}:{support[1]}",
                          "--out", out, "--quiet", "--align", "none", "--method", "network", *options], timeout=300)
    return result, out


@pytest.fixture
def many_foreground_slices(tmp_path):
    """1100 axial slices that all hold label 1."""
    return tmp_path, query(tmp_path, (16, 16, 4)), labelled(tmp_path, "support", np.ones((4, 4, 1100)))


def test_an_empty_share_near_1_with_many_foreground_slices_segments(many_foreground_slices):
    folder, query_path, support = many_foreground_slices
    outcome = segment_through_c_api(query_path, support, setters="""
        assert lib.uvs_options_set_empty_share(options, 0.9999999999999999) == OK
        assert lib.uvs_options_set_support_size(options, 2048) == OK
        assert lib.uvs_options_set_input_size(options, 8) == OK""")
    assert (outcome["status"], outcome["labels"]) == (OK, 1), outcome["message"]


def test_the_command_with_an_empty_share_near_1_segments(uvseg_command, many_foreground_slices):
    folder, query_path, support = many_foreground_slices
    result, out = segment_through_command(
        uvseg_command, folder, query_path, support, "--empty-share", "0.9999999999999999", "--support-size", "2048")
    assert result.returncode == 0, result.stderr
    assert nib.load(out).shape == (16, 16, 4)


def thin_support(folder):
    """5000 axial slices of one voxel, every other one labelled."""
    labels = np.zeros((1, 1, 5000))
    labels[..., ::2] = 1
    return labelled(folder, "thin", labels)


def ordinary_support(folder):
    labels = np.zeros((64, 64, 400))
    labels[20:40, 20:40] = 1
    return labelled(folder, "ordinary", labels)


def test_a_thin_support_at_input_size_1024_is_refused_for_memory(tmp_path):
    outcome = segment_through_c_api(
        query(tmp_path, (16, 16, 4)), thin_support(tmp_path),
        setters="assert lib.uvs_options_set_input_size(options, 1024) == OK")
    assert outcome["status"] == OUT_OF_MEMORY
    assert "support pool (5000 slices on 1024 x 1024 canvases" in outcome["message"]
    assert "39.1 GiB" in outcome["message"] and "memory limit of 4.0 GiB" in outcome["message"]


def test_a_checkpoint_declaring_input_size_1024_is_refused_for_memory(tmp_path):
    outcome = segment_through_c_api(
        query(tmp_path, (64, 64, 8)), ordinary_support(tmp_path), model=small_weights(tmp_path, "1024"))
    assert outcome["status"] == OUT_OF_MEMORY
    assert "memory limit of 4.0 GiB" in outcome["message"]


@pytest.mark.parametrize("support", [thin_support, ordinary_support])
def test_the_command_refuses_supports_too_large_at_input_size_1024(uvseg_command, tmp_path, support):
    result, out = segment_through_command(
        uvseg_command, tmp_path, query(tmp_path, (64, 64, 8)), support(tmp_path),
        "--weights", small_weights(tmp_path, "1024"))
    assert result.returncode != 0
    assert "memory limit of 4.0 GiB" in result.stderr
    assert not out.exists()


@pytest.fixture
def many_labels(tmp_path):
    """A support holding labels 1 to 255 (one per slice) and a 256 x 256 x 32 query: 2 GiB of
    probabilities."""
    labels = np.broadcast_to(np.arange(1, 256), (16, 16, 255))
    return tmp_path, query(tmp_path, (256, 256, 32)), labelled(tmp_path, "labels", labels)


def test_255_labels_on_a_large_query_are_segmented(many_labels):
    folder, query_path, support = many_labels
    outcome = segment_through_c_api(
        query_path, support, setters="assert lib.uvs_options_set_input_size(options, 8) == OK")
    assert (outcome["status"], outcome["labels"]) == (OK, 255), outcome["message"]


def test_the_command_segments_255_labels_on_a_large_query(uvseg_command, many_labels):
    folder, query_path, support = many_labels
    result, out = segment_through_command(
        uvseg_command, folder, query_path, support, "--weights", small_weights(folder, "8"))
    assert result.returncode == 0, result.stderr
    assert nib.load(out).shape == (256, 256, 32)


def test_the_atlas_of_255_labels_on_a_huge_query_is_refused_for_memory(tmp_path):
    """Atlas propagation sums one probability per label on the query's grid: 255 labels on a
    512 x 512 x 40 query would need 10 GiB, refused before any of it is made."""
    labels = np.broadcast_to(np.arange(1, 256), (16, 16, 255))
    outcome = segment_through_c_api(
        query(tmp_path, (512, 512, 40)), labelled(tmp_path, "labels", labels),
        setters="assert lib.uvs_options_set_method(options, 1) == OK")
    assert outcome["status"] == OUT_OF_MEMORY, outcome["message"]
    assert "aligned to the query" in outcome["message"]


@pytest.mark.parametrize("alignment", [1, 2])  # UVS_ALIGN_AFFINE, UVS_ALIGN_DEFORMABLE
def test_voxel_sizes_a_trillion_times_apart_are_refused_before_aligning(tmp_path, alignment):
    rng = np.random.default_rng(2)
    query_path = write(tmp_path / "query.nii", rng.random((16, 16, 8), dtype=np.float32), voxel_mm=1e-6)
    support = (write(tmp_path / "support_image.nii", rng.random((16, 16, 8), dtype=np.float32), voxel_mm=1e6),
               write(tmp_path / "support_label.nii", (rng.random((16, 16, 8)) > 0.5).astype(np.uint8), voxel_mm=1e6))
    outcome = segment_through_c_api(
        query_path, support, setters=f"assert lib.uvs_options_set_alignment(options, {alignment}) == OK")
    assert outcome["status"] == INVALID_ARGUMENT, outcome["message"]
    assert "more than 1000 times apart" in outcome["message"]
