"""Regenerates the network parity fixtures and the checkpoint-loader fixtures.

    python3 tools/reference/make_fixtures.py

Deterministic (fixed seeds). Writes under Tests/NetworkTests/Fixtures/:
  <config>/weights.pt, weights.safetensors, case.safetensors  for config in published, uneven, nonsquare
  checkpoints/...  loader fixtures (dtypes, CUDA tag, hostile and broken files), see make_checkpoints.
"""

from __future__ import annotations

import copy
import io
import math
import pickle
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from universeg_reference import UniverSegReference  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "NetworkTests" / "Fixtures"
SUPPORT_SIZES = (1, 2, 5, 16)
MAX_SUPPORT = max(SUPPORT_SIZES)

CONFIGS = {
    "published": dict(encoder=[(64, 64)] * 4, decoder=None, size=(128, 128), seed=1),
    "uneven": dict(encoder=[(8, 12), (10, 6), (14, 16)], decoder=[(9, 7), (5, 11)], size=(32, 40), seed=2),
    "nonsquare": dict(encoder=[(6, 8), (8, 10), (12, 6), (10, 12)], decoder=None, size=(48, 80), seed=3),
}


def initialise(model: torch.nn.Module, generator: torch.Generator) -> None:
    """He-normal weights (LeakyReLU gain) and small uniform biases, so activations neither vanish nor
    explode through the depth of the network and the logits carry structure."""
    for name, parameter in model.named_parameters():
        with torch.no_grad():
            if name.endswith("weight"):
                fan_in = parameter[0].numel()
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * math.sqrt(2.0 / fan_in))
            else:
                parameter.copy_((torch.rand(parameter.shape, generator=generator) - 0.5) * 0.2)


def smooth_noise(h: int, w: int, generator: torch.Generator, scale: int) -> torch.Tensor:
    coarse = torch.rand(1, 1, max(2, h // scale), max(2, w // scale), generator=generator)
    return torch.nn.functional.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=True)[0, 0]


def blob(h: int, w: int, generator: torch.Generator) -> torch.Tensor:
    """A rotated soft ellipse with value 1 in its middle falling to 0 outside."""
    cy, cx = (0.25 + 0.5 * torch.rand(2, generator=generator)).tolist()
    ry, rx = (0.12 + 0.18 * torch.rand(2, generator=generator)).tolist()
    angle = float(torch.rand(1, generator=generator)) * math.pi
    ys = torch.linspace(0, 1, h).view(h, 1).expand(h, w)
    xs = torch.linspace(0, 1, w).view(1, w).expand(h, w)
    dy, dx = ys - cy, xs - cx
    u = (math.cos(angle) * dx + math.sin(angle) * dy) / rx
    v = (-math.sin(angle) * dx + math.cos(angle) * dy) / ry
    return torch.sigmoid((1.0 - (u * u + v * v)) * 6.0)


def make_image(h: int, w: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """A smooth 'scan' with one target structure and a binary label of that structure."""
    organ = blob(h, w, generator)
    clutter = sum(0.4 * blob(h, w, generator) for _ in range(2))
    image = 0.3 * smooth_noise(h, w, generator, 8) + 0.8 * organ + clutter
    image = image + 0.05 * smooth_noise(h, w, generator, 2)
    image = (image - image.min()) / (image.max() - image.min())
    label = (organ > 0.5).float()
    return image, label


def write_config(name: str, config: dict) -> None:
    generator = torch.Generator().manual_seed(config["seed"])
    model = UniverSegReference(config["encoder"], config["decoder"]).eval()
    initialise(model, generator)
    h, w = config["size"]
    queries = [make_image(h, w, generator)[0] for _ in range(2)]
    members = [make_image(h, w, generator) for _ in range(MAX_SUPPORT)]
    query = torch.stack(queries)
    support_images = torch.stack([m[0] for m in members])
    support_labels = torch.stack([m[1] for m in members])

    case = {"query": query, "support_images": support_images, "support_labels": support_labels}
    # The expected logits are a float64 evaluation of the same float32 weights and inputs, rounded
    # once to float32: the parity tolerance then measures the engine alone (PyTorch's own float32
    # evaluation is itself up to 4.5e-5 away from it on the published config).
    exact = copy.deepcopy(model).double()
    with torch.no_grad():
        for s in SUPPORT_SIZES:
            logits = exact(
                query.unsqueeze(1).double(),
                support_images[:s].view(1, s, 1, h, w).expand(2, s, 1, h, w).double(),
                support_labels[:s].view(1, s, 1, h, w).expand(2, s, 1, h, w).double(),
            ).float()
            case[f"logits_s{s}"] = logits[:, 0].contiguous()
            print(f"{name}: S={s:2d} logits mean {logits.mean():+.4f} std {logits.std():.4f} "
                  f"per-query std {logits[0].std():.4f} {logits[1].std():.4f}")

    folder = FIXTURES / name
    folder.mkdir(parents=True, exist_ok=True)
    state = model.state_dict()
    torch.save(state, folder / "weights.pt")
    save_file({k: v.contiguous() for k, v in state.items()}, str(folder / "weights.safetensors"))
    save_file({k: v.contiguous() for k, v in case.items()}, str(folder / "case.safetensors"))


# ---------------------------------------------------------------------------------------------
# Loader fixtures


def read_zip(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(path: Path, entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> None:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)


def binunicode(text: str) -> bytes:
    encoded = text.encode()
    return b"X" + len(encoded).to_bytes(4, "little") + encoded


def retag_location(source: Path, target: Path, location: str) -> None:
    """Rewrites every storage location string 'cpu' in data.pkl, as if saved from that device."""
    entries = []
    for name, data in read_zip(source):
        if name.endswith("/data.pkl"):
            assert binunicode("cpu") in data
            data = data.replace(binunicode("cpu"), binunicode(location))
        entries.append((name, data))
    write_zip(target, entries)


def make_big_endian(source: Path, target: Path, itemsize: int) -> None:
    """The same checkpoint as a big-endian machine writes it: byteorder 'big', swapped storages."""
    entries = []
    for name, data in read_zip(source):
        if name.endswith("/byteorder"):
            data = b"big"
        elif "/data/" in name and not name.endswith("/data.pkl"):
            data = b"".join(data[i:i + itemsize][::-1] for i in range(0, len(data), itemsize))
        entries.append((name, data))
    write_zip(target, entries)


class _Reduce:
    """Pickles as REDUCE(callable, args): what a hostile checkpoint uses to run code on load."""

    def __init__(self, function, *args) -> None:
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def hostile_archive(path: Path, payload: object) -> None:
    """A torch-shaped archive whose state dict holds one hostile object next to a real tensor."""
    state = {"out_conv.conv.bias": torch.zeros(1), "payload": payload}
    buffer = io.BytesIO()
    torch.save(state, buffer)  # archive layout and the tensor as torch writes them...
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    write_zip(path, entries)


def make_checkpoints(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    generator = torch.Generator().manual_seed(2)
    config = CONFIGS["uneven"]
    model = UniverSegReference(config["encoder"], config["decoder"])
    initialise(model, generator)
    state = model.state_dict()

    # Converted dtypes: the expected tensors are torch's float32 conversion of the stored values.
    wide = {k: v.double() + torch.randn(v.shape, generator=generator, dtype=torch.float64) * 1e-9
            for k, v in state.items()}
    for suffix, tensors in (("f16", {k: v.half() for k, v in state.items()}),
                            ("bf16", {k: v.bfloat16() for k, v in state.items()}),
                            ("f64", wide)):
        torch.save(tensors, folder / f"uneven_{suffix}.pt")
        save_file(tensors, str(folder / f"uneven_{suffix}.safetensors"))
        save_file({k: v.float() for k, v in tensors.items()}, str(folder / f"expected_from_{suffix}.safetensors"))
    save_file(state, str(folder / "expected_f32.safetensors"))

    # Views torch saves with their whole storage: a transpose, offset slices, two names for one view.
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.5 - 3.0
    views = {"transposed": base.t(), "rows": base[1:3], "columns": base[:, 2:5],
             "tied_a": base[0], "tied_b": base[0]}
    torch.save(views, folder / "views.pt")
    save_file({k: v.contiguous().clone() for k, v in views.items()}, str(folder / "expected_views.safetensors"))

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        # torch names the top folder after the file stem; this one's differs from its file name.
        torch.save(state, scratch / "some_other_top_folder.pt")
        shutil.copy(scratch / "some_other_top_folder.pt", folder / "top_folder_differs.pt")
        retag_location(scratch / "some_other_top_folder.pt", folder / "uneven_cuda.pt", "cuda:0")
        make_big_endian(scratch / "some_other_top_folder.pt", folder / "uneven_big_endian.pt", 4)
        # torch writes stored entries; a deflated copy must be refused, not misread.
        write_zip(folder / "deflated.pt", read_zip(scratch / "some_other_top_folder.pt"), zipfile.ZIP_DEFLATED)

    import os  # the hostile fixtures name os.system and builtins.eval; uvseg must never call them
    hostile_archive(folder / "malicious_system.pt", _Reduce(os.system, "touch /tmp/uvseg-pwned-marker"))
    hostile_archive(folder / "malicious_eval.pt", _Reduce(eval, "__import__('os').system('touch /tmp/uvseg-pwned-marker')"))

    whole = (folder / "top_folder_differs.pt").read_bytes()
    (folder / "truncated.pt").write_bytes(whole[: len(whole) // 2])
    (folder / "empty.pt").write_bytes(b"")
    (folder / "not_a_zip.pt").write_bytes(b"this is not a checkpoint, just some text\n" * 4)


def main() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    names = sys.argv[1:] or [*CONFIGS, "checkpoints"]
    for name in names:
        if name == "checkpoints":
            make_checkpoints(FIXTURES / "checkpoints")
        else:
            write_config(name, CONFIGS[name])
    for path in FIXTURES.rglob("*"):  # safetensors writes 0600 files; fixtures are plain data
        if path.is_file():
            path.chmod(0o644)


if __name__ == "__main__":
    main()
