"""Hostile file-system inputs, each run in a process of its own under the host's address-space
limit (hostile.py): special files given as volumes or checkpoints, a gzip bomb, the modes and
writability of destinations, long output names, and several outputs written all or nothing."""
import gzip
import os
import pathlib
import shutil
import stat
import tempfile

import nibabel as nib
import numpy as np
import pytest

from c_api import BAD_FORMAT, IO, OK, OUT_OF_MEMORY
from conftest import BUILD_DIR
from hostile import run_c_api, run_limited
from volume_phantoms import small_weights, write_case

LIBRARY = BUILD_DIR / "libuvseg.so"
# What the refusal of each special file says.
SPECIAL_FILES = {"fifo": "FIFO", "folder": "folder", "device": "character device"}
NOBODY = 65534


def make_special(path, kind):
    """A FIFO, a folder or (through a link) the device /dev/zero at `path`."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        os.mkdir(path)
    else:
        os.symlink("/dev/zero", path)
    return path


def c_api_status(call: str, path, timeout: float = 30, before: str = "") -> dict:
    """Runs `call` (one of the C functions, given PATH and an output holder) in a limited process."""
    body = [before, f"PATH = {str(path).encode()!r}", "volume, count, model = VOLUME(), INT64(), HANDLE()",
            f"report({call})"]
    return run_c_api(LIBRARY, "\n".join(body), timeout=timeout)


READERS = {
    "uvs_volume_read": "lib.uvs_volume_read(PATH, 0, ctypes.byref(volume))",
    "uvs_volume_count_in_file": "lib.uvs_volume_count_in_file(PATH, ctypes.byref(count))",
    "uvs_model_load": "lib.uvs_model_load(PATH, ctypes.byref(model))",
}


@pytest.mark.parametrize("kind", SPECIAL_FILES)
@pytest.mark.parametrize("reader", READERS)
def test_a_special_file_is_refused_at_once(tmp_path, reader, kind):
    path = make_special(tmp_path / "special.nii", kind)
    result = c_api_status(READERS[reader], path)
    assert result["status"] == IO, result
    assert SPECIAL_FILES[kind] in result["message"] and "not a regular file" in result["message"]


@pytest.mark.parametrize("given, special", [("x", "x.nii"), ("x.hdr", "x.img"), ("x.img", "x.img")])
def test_a_fifo_among_the_names_a_volume_is_looked_up_by_is_refused(tmp_path, given, special):
    if special.endswith(".img"):
        header = nib.Nifti1Pair(np.zeros((2, 2, 2), np.int16), np.eye(4))
        nib.save(header, tmp_path / "x.hdr")
        os.remove(tmp_path / "x.img")
    os.mkfifo(tmp_path / special)
    result = c_api_status(READERS["uvs_volume_read"], tmp_path / given)
    assert result["status"] == IO and "FIFO" in result["message"], result


def test_the_command_refuses_a_fifo_as_volume_and_as_checkpoint(uvseg_command, tmp_path):
    fifo = make_special(tmp_path / "fifo.nii", "fifo")
    info = run_limited([uvseg_command, "info", fifo], timeout=30)
    assert info.returncode != 0 and "FIFO" in info.stderr
    image, labels = write_case(tmp_path, "case", 1)
    segment = run_limited([uvseg_command, "segment", "--query", image, "--support", f"{image}:{labels}",
                           "--out", tmp_path / "out.nii", "--weights", fifo], timeout=60)
    assert segment.returncode != 0 and "FIFO" in segment.stderr
    assert not (tmp_path / "out.nii").exists()


def write_gzip_bomb(path, side: int, data_bytes: int):
    """A .nii.gz whose header promises side^3 float32 voxels, followed by `data_bytes` zeros: gzip
    members of 16 MiB of zeros each, about 16 KiB apiece, so 4 GiB of data take some 4 MB."""
    header = nib.Nifti1Header()
    header.set_data_shape((side, side, side))
    header.set_data_dtype(np.float32)
    header["vox_offset"] = 352
    block = 1 << 24
    zeros = gzip.compress(bytes(block))
    with open(path, "wb") as file:
        file.write(gzip.compress(header.binaryblock + bytes(4)))
        for _ in range(data_bytes // block):
            file.write(zeros)
    return path


def test_a_gzip_bomb_at_the_voxel_limit_is_out_of_memory_not_an_abort(uvseg_command, tmp_path):
    # 1024^3 float32 voxels: the 4 GiB a volume may have, which a host under a 4 GiB address-space
    # limit cannot give; growing the array by doubling would have asked for 6 GiB and aborted.
    bomb = write_gzip_bomb(tmp_path / "bomb.nii.gz", 1024, 4 << 30)
    assert bomb.stat().st_size < 5 << 20
    result = c_api_status(READERS["uvs_volume_read"], bomb)
    assert result["status"] == OUT_OF_MEMORY, result
    assert "volume 0" in result["message"] and "4.0 GiB" in result["message"]
    info = run_limited([uvseg_command, "info", bomb])
    assert info.returncode != 0 and "4.0 GiB" in info.stderr


def test_a_gzip_bomb_that_ends_early_is_truncated(tmp_path):
    bomb = write_gzip_bomb(tmp_path / "short.nii.gz", 512, 1 << 24)
    result = c_api_status(READERS["uvs_volume_read"], bomb)
    assert result["status"] == BAD_FORMAT and "truncated" in result["message"], result


@pytest.fixture
def shared_folder():
    """A folder every user may write, outside pytest's private one, so that a test run as root can
    act as an ordinary user (root may write any file, so it cannot show a refusal)."""
    folder = tempfile.mkdtemp(prefix="uvseg-hostile-")
    os.chmod(folder, 0o777)
    yield pathlib.Path(folder)
    shutil.rmtree(folder)


def as_ordinary_user(arguments):
    """`arguments` run as the user nobody when the tests run as root."""
    if os.geteuid() != 0:
        return arguments
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *arguments]


DROP_ROOT = f"import os\nif os.geteuid() == 0: os.setgid({NOBODY}); os.setuid({NOBODY})"


def write_label_map(reference, destination, umask: int = 0o022, ordinary_user: bool = False) -> dict:
    """uvs_volume_write_label_map of zeros on `reference`'s grid, under `umask`."""
    before = f"import os\nos.umask({umask})" + ("\n" + DROP_ROOT if ordinary_user else "")
    call = (f"lib.uvs_volume_read({str(reference).encode()!r}, 0, ctypes.byref(volume)) or "
            "lib.uvs_volume_write_label_map(volume, np.zeros(lib.uvs_volume_voxel_count(volume), np.float32)"
            ".ctypes.data_as(ctypes.POINTER(FLOAT)), lib.uvs_volume_voxel_count(volume), PATH)")
    return c_api_status(call, destination, before=before)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_written_files_get_the_umask_mode_or_keep_the_replaced_mode(tmp_path):
    reference, _ = write_case(tmp_path, "reference", 1)
    assert write_label_map(reference, tmp_path / "new.nii", umask=0o077)["status"] == OK
    assert mode(tmp_path / "new.nii") == 0o600
    # A private file stays private when a process with a lenient umask replaces it ...
    private = tmp_path / "private.nii.gz"
    private.write_bytes(b"previous")
    private.chmod(0o600)
    assert write_label_map(reference, private, umask=0o022)["status"] == OK
    assert mode(private) == 0o600 and nib.load(private).shape == (24, 20, 8)
    # ... and a shared one stays shared under a strict umask.
    shared = tmp_path / "shared.nii"
    shared.write_bytes(b"previous")
    shared.chmod(0o640)
    assert write_label_map(reference, shared, umask=0o077)["status"] == OK
    assert mode(shared) == 0o640


def test_a_read_only_destination_is_refused_not_replaced(shared_folder):
    reference, _ = write_case(shared_folder, "reference", 1)
    destination = shared_folder / "read-only.nii"
    destination.write_bytes(b"previous")
    destination.chmod(0o444)
    result = write_label_map(reference, destination, ordinary_user=True)
    assert result["status"] == IO and "not writable" in result["message"], result
    assert destination.read_bytes() == b"previous"
    assert sorted(p.name for p in shared_folder.iterdir()) == sorted(
        ["reference_image.nii.gz", "reference_label.nii.gz", "read-only.nii"])


def test_a_250_character_output_name_is_written(tmp_path):
    reference, _ = write_case(tmp_path, "reference", 1)
    destination = tmp_path / ("n" * 243 + ".nii.gz")
    result = write_label_map(reference, destination)
    assert result["status"] == OK, result
    assert nib.load(destination).shape == (24, 20, 8)


def segment(command, folder, *outputs, umask: int = 0o022, ordinary_user: bool = False):
    """`uvseg segment` of a small case into `outputs` (--out, then optionally --probabilities)."""
    image, labels = write_case(folder, "case", 1)
    weights = small_weights(folder, "32")
    weights.chmod(0o644)
    arguments = [command, "segment", "--query", image, "--support", f"{image}:{labels}", "--weights", weights,
                 "--support-size", "4", "--out", outputs[0]]
    if len(outputs) > 1:
        arguments += ["--probabilities", outputs[1]]
    arguments = ["sh", "-c", f"umask {umask:o} && exec \"$@\"", "sh", *arguments]
    return run_limited(as_ordinary_user(arguments) if ordinary_user else arguments, timeout=300)


def test_the_command_writes_with_the_umask_mode_and_keeps_a_replaced_mode(uvseg_command, tmp_path):
    labels, probabilities = tmp_path / "labels.nii.gz", tmp_path / "probabilities.nii"
    probabilities.write_bytes(b"previous")
    probabilities.chmod(0o640)
    result = segment(uvseg_command, tmp_path, labels, probabilities, umask=0o077)
    assert result.returncode == 0, result.stderr
    assert mode(labels) == 0o600 and mode(probabilities) == 0o640
    assert nib.load(probabilities).shape == (24, 20, 8, 2)


def test_the_command_writes_a_250_character_output_name(uvseg_command, tmp_path):
    labels = tmp_path / ("l" * 243 + ".nii.gz")
    result = segment(uvseg_command, tmp_path, labels)
    assert result.returncode == 0, result.stderr
    assert nib.load(labels).shape == (24, 20, 8)


def test_the_command_changes_no_output_when_the_second_cannot_be_written(uvseg_command, shared_folder):
    labels, probabilities = shared_folder / "labels.nii", shared_folder / "probabilities.nii"
    labels.write_bytes(b"previous labels")
    labels.chmod(0o666)
    probabilities.write_bytes(b"previous probabilities")
    probabilities.chmod(0o444)
    before = sorted(p.name for p in shared_folder.iterdir())
    result = segment(uvseg_command, shared_folder, labels, probabilities, ordinary_user=True)
    assert result.returncode != 0 and "probabilities.nii is not writable" in result.stderr
    assert labels.read_bytes() == b"previous labels"
    assert probabilities.read_bytes() == b"previous probabilities"
    inputs = ["case_image.nii.gz", "case_label.nii.gz", "weights_32.safetensors"]
    assert sorted(p.name for p in shared_folder.iterdir()) == sorted(before + inputs)
