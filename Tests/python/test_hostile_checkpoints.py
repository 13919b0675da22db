"""Hostile checkpoints, each loaded in a process of its own under a 4 GiB address-space limit, through
uvs_model_load and through `uvseg segment --weights`: each must end in a clear error, never in an
abort. The files are written byte by byte here (no torch): a small .pt whose pickle copies a large
memoised list again and again, a safetensors file whose tensors all read the same bytes, and a
network too deep for any input size."""
import io
import json
import struct
import zipfile

import numpy as np
import pytest

from c_api import BAD_FORMAT, OUT_OF_MEMORY, UNSUPPORTED
from conftest import BUILD_DIR
from hostile import run_c_api, run_limited
from volume_phantoms import write_case


def pytorch_checkpoint(pickle: bytes) -> bytes:
    """A .pt archive as torch.save lays it out, with `pickle` as its data.pkl and no storages."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", pickle)
        archive.writestr("archive/byteorder", "little")
    return buffer.getvalue()


def copying_pickle() -> bytes:
    """A memoised list of 100,000 Nones, then 60,000 times: recall it and append to it. Each append
    copies the list the memo still holds: about 240 GB asked for by a 340 KB file."""
    pickle = bytearray(b"\x80\x02]")  # PROTO 2, EMPTY_LIST
    for _ in range(2):  # MARK, 50,000 x None, APPENDS (the stack holds at most 65,536 values)
        pickle += b"(" + b"N" * 50_000 + b"e"
    pickle += b"q\x00"  # BINPUT 0
    pickle += b"h\x00Na" * 60_000  # BINGET 0, None, APPEND
    return bytes(pickle + b".")


def safetensors(tensors: dict, data: bytes, metadata: dict | None = None) -> bytes:
    """A safetensors file: the 8-byte header length, the JSON header, the data."""
    header = dict(tensors, **({"__metadata__": metadata} if metadata else {}))
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def overlapping_safetensors() -> bytes:
    """2,000 float16 tensors that all cover the same 4 MiB: 16 GB of float32 from a 4.3 MB file."""
    size = 4 << 20
    entry = {"dtype": "F16", "shape": [size // 2], "data_offsets": [0, size]}
    return safetensors({f"t{n}": entry for n in range(2000)}, bytes(size))


def deep_network(depth: int) -> bytes:
    """A UniverSeg network of `depth` encoder blocks, each (1, 1) wide, as float32 safetensors."""
    shapes = {}
    blocks = [(f"enc_blocks.{i}", 3 if i == 0 else 2) for i in range(depth)]
    blocks += [(f"dec_blocks.{j}", 4) for j in range(depth - 1)]
    for prefix, inputs in blocks:
        shapes[f"{prefix}.cross.cross_conv.weight"] = [1, inputs, 3, 3]
        shapes[f"{prefix}.cross.cross_conv.bias"] = [1]
        for stream in ("target", "support"):
            shapes[f"{prefix}.{stream}.vmapped.conv.weight"] = [1, 1, 3, 3]
            shapes[f"{prefix}.{stream}.vmapped.conv.bias"] = [1]
    shapes["out_conv.conv.weight"] = [1, 1, 1, 1]
    shapes["out_conv.conv.bias"] = [1]
    entries, offset = {}, 0
    for name, shape in shapes.items():
        end = offset + 4 * int(np.prod(shape))
        entries[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, end]}
        offset = end
    return safetensors(entries, np.full(offset // 4, 0.1, np.float32).tobytes(),
                       metadata={"uvseg.input_size": str(1 << (depth - 1))})


CASES = {
    "copying pickle": (".pt", lambda: pytorch_checkpoint(copying_pickle()), OUT_OF_MEMORY, "copy of a container"),
    "overlapping safetensors": (".safetensors", overlapping_safetensors, BAD_FORMAT, "share data bytes"),
    "12 blocks": (".safetensors", lambda: deep_network(12), UNSUPPORTED, "at most 11 encoder blocks"),
}


@pytest.fixture(params=CASES, ids=list(CASES))
def hostile(request, tmp_path):
    suffix, write, status, reason = CASES[request.param]
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(write())
    return path, status, reason


def test_model_load_refuses_with_a_status_and_a_message(hostile):
    path, status, reason = hostile
    result = run_c_api(BUILD_DIR / "libuvseg.so", f"""
        model = HANDLE()
        status = lib.uvs_model_load({str(path).encode()!r}, ctypes.byref(model))
        report(status, untouched=model.value is None)
        """)
    assert result["status"] == status, result
    assert reason in result["message"] and str(path) in result["message"], result
    assert result["untouched"]


def test_segment_command_refuses_and_writes_nothing(hostile, uvseg_command, tmp_path):
    path, _, reason = hostile
    query = write_case(tmp_path, "query", 1)[0]
    image, labels = write_case(tmp_path, "support", 2)
    out = tmp_path / "out" / "labels.nii.gz"
    out.parent.mkdir()
    result = run_limited([uvseg_command, "segment", "--weights", path, "--query", query,
                          "--support", f"{image}:{labels}", "--out", out])
    assert result.returncode != 0
    assert reason in result.stderr, result.stderr
    assert not any(out.parent.iterdir())


def test_the_deepest_accepted_network_loads(tmp_path):
    """The refusal above is of depth alone: one block fewer, at its size multiple 1024, loads."""
    path = tmp_path / "deep11.safetensors"
    path.write_bytes(deep_network(11))
    result = run_c_api(BUILD_DIR / "libuvseg.so", f"""
        model = HANDLE()
        status = lib.uvs_model_load({str(path).encode()!r}, ctypes.byref(model))
        report(status, size_multiple=lib.uvs_model_size_multiple(model) if status == OK else 0)
        """)
    assert result["status"] == 0, result
    assert result["size_multiple"] == 1024
