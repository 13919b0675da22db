#!/usr/bin/env python3
"""Held-out Dice of a model on generated tasks for support sizes {1, 4, 16, 64}, and on the demo data.

Generated: tasks from the held-out seed and held-out phantoms (never seen in training), one query
per task; the Dice of the thresholded prediction (1 when prediction and label are both empty),
averaged over tasks, per support size and per task family; --by-kind splits it by where the
target shows (in no support slice, not in the query, in both), which tells a model that follows its
support from one that knows a family by heart.
--task-size N draws the generated tasks at N pixels instead of the model's native size and gives
them to the model as uvseg does with slices of another size (images resized bilinearly, support
labels by nearest neighbour, probabilities brought back bilinearly and thresholded at one half),
so models of different native sizes are scored on the same tasks.
--targets T gives the anatomy and unaligned tasks T disjoint targets on the same images, each
pixel labelled as uvseg labels a voxel (the target whose probability is highest and above one
half), each target scored by Dice: the choice between labels as on a brain's white and grey matter.
Demo (--demo examples/data): each case in turn is the query volume; the support is S axial slices of
the other cases: "position" as uvseg's default strategy (the slices nearest to the query slice's
relative height, at most a quarter of them without the label), or "all" (evenly spaced over all
slices, the same for every query slice); every axial slice of the query is segmented; the volumetric Dice of label 1 (and 2) is
averaged over cases. Volumes are scaled to [0, 1] by their 0.5 and 99.5 percentiles.

  python3 training/evaluate.py --weights models/uvseg-default.safetensors --demo examples/data
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uvseg_train import data  # noqa: E402
from uvseg_train.canvas import resized  # noqa: E402
from uvseg_train.export import averaged_weights  # noqa: E402
from uvseg_train.generator.tasks import FAMILIES, SEVERAL_TARGET_FAMILIES  # noqa: E402
from uvseg_train.model import model_from_state_dict  # noqa: E402

SUPPORT_SIZES = (1, 4, 16, 64)
EVAL_SEED = 424242
# (label, support strategy, support size) of the demo evaluation
DEMO_SETTINGS = ((1, "position", 64), (2, "position", 64), (1, "position", 16), (2, "position", 16))


def load(path: Path):
    if path.suffix == ".safetensors":
        with safe_open(str(path), "pt") as f:
            meta = f.metadata() or {}
        state = load_file(str(path))
    else:
        ckpt = torch.load(path, map_location="cpu")
        state = averaged_weights(ckpt)
        meta = {"uvseg.input_size": str(ckpt["args"]["size"])}
    model = model_from_state_dict(state).eval()
    return model, int(meta.get("uvseg.input_size", 128))


# Disjoint kinds of generated task, by where the target shows: a support set with no slice of it
# cannot say what to segment (only a model that knows the family does); a query without it asks
# the model to leave the image empty.
TASK_KINDS = ("support without target", "query without target", "both show target")


def at_task_size(model, native: int):
    """The model as uvseg runs it on slices that are not `native` pixels square: inputs resized to
    `native` (images bilinearly, labels by nearest neighbour), probabilities resized back
    bilinearly; returns probability - 1/2, whose sign is the thresholded answer, as logits' is."""
    def run(query, support_images, support_labels):
        task = query.shape[-1]
        logits = model(resized(query, native, "bilinear"), resized(support_images, native, "bilinear"),
                       resized(support_labels, native, "nearest"))
        return resized(torch.sigmoid(logits), task, "bilinear") - 0.5
    return run


def decision(outputs: torch.Tensor, targets: int) -> torch.Tensor:
    """uvseg's labelling of items [N, 1, H, W] in groups of `targets` consecutive ones that share a
    task's images: each pixel goes to the target whose output is highest and positive (logits or
    probability - 1/2), none where all are negative; +1 where an item's target won, else -1."""
    chosen = data.choice_scores(outputs, targets).argmax(1, keepdim=True)  # [tasks, 1, H, W], 0: none
    won = chosen == torch.arange(1, targets + 1, device=outputs.device).view(1, -1, 1, 1)
    return (won.float() * 2 - 1).reshape(outputs.shape)


@torch.no_grad()
def generated(model, size: int, tasks: int, families=FAMILIES, support_sizes=SUPPORT_SIZES,
              batch: int = 8, targets: int = 1) -> dict:
    """Held-out Dice per support size and family of `model` on tasks drawn at `size` pixels; the
    SEVERAL_TARGET_FAMILIES' tasks with `targets` targets each, scored after uvseg's decision
    (every target one item, `tasks` items per family, so a whole number of tasks)."""
    if tasks % targets:
        raise ValueError(f"{tasks} items are not a whole number of tasks of {targets} targets")
    sampler = data.sampler(size, heldout=True, phantoms=20)
    out = {}
    for s in support_sizes:
        per_family, kinds = {}, {}
        for family in families:
            rng = np.random.default_rng([EVAL_SEED, s, FAMILIES.index(family)])
            several = targets if family in SEVERAL_TARGET_FAMILIES else 1
            scores, kind, items = [], [], 0
            while items < tasks:
                count = max(1, min(batch, tasks - items) // several)
                q, si, sl, ql = data.batch(sampler, rng, count, s, family, several)
                items += count * several
                outputs = model(q, si, sl)
                scores.append(data.hard_dice(decision(outputs, several) if several > 1 else outputs, ql))
                support_shows, query_shows = sl.flatten(1).amax(1) > 0, ql.flatten(1).amax(1) > 0
                kind.append(torch.where(~support_shows, 0, torch.where(~query_shows, 1, 2)))
            scores, kind = torch.cat(scores), torch.cat(kind)
            per_family[family] = float(scores.mean())
            kinds[family] = {name: {"tasks": int((kind == k).sum()),
                                    "dice": float(scores[kind == k].mean()) if (kind == k).any() else None}
                             for k, name in enumerate(TASK_KINDS)}
        out[s] = {"mean": float(np.mean(list(per_family.values()))), **per_family, "by_kind": kinds}
    return out


def _volume(path: Path) -> np.ndarray:
    import nibabel as nib
    return np.asarray(nib.load(str(path)).dataobj, dtype=np.float32)


def _prepare(image: np.ndarray, size: int) -> np.ndarray:
    lo, hi = np.percentile(image, [0.5, 99.5])
    image = np.clip((image - lo) / (hi - lo), 0, 1)
    if image.shape[0] != size or image.shape[1] != size:
        from scipy import ndimage
        image = ndimage.zoom(image, (size / image.shape[0], size / image.shape[1], 1), order=1)
    return image.astype(np.float32)


def _prepare_label(label: np.ndarray, size: int) -> np.ndarray:
    if label.shape[0] != size or label.shape[1] != size:
        from scipy import ndimage
        label = ndimage.zoom(label, (size / label.shape[0], size / label.shape[1], 1), order=0)
    return label


def _by_position(others, labels, position: float, support: int, max_empty_share: float = 0.25):
    """As uvseg's `position` strategy: slices nearest to the query's relative height, nearest first,
    at most `max_empty_share` of them without the label."""
    ranked = sorted(((abs(z / (labels[o].shape[2] - 1) - position), i, o, z)
                     for i, o in enumerate(others) for z in range(labels[o].shape[2])))
    max_empty = int(max_empty_share * support)
    pick, empty = [], 0
    for _, _, o, z in ranked:
        if len(pick) == support:
            break
        if not labels[o][:, :, z].any():
            if empty >= max_empty:
                continue
            empty += 1
        pick.append((o, z))
    return pick


@torch.no_grad()
def demo(model, size: int, folder: Path, label: int, support: int, strategy: str) -> list[float]:
    """Volumetric Dice per case, at the model's native size."""
    cases = sorted(p.name[: -len("_image.nii.gz")] for p in folder.glob("*_image.nii.gz"))
    images = {c: _prepare(_volume(folder / f"{c}_image.nii.gz"), size) for c in cases}
    labels = {c: (_prepare_label(_volume(folder / f"{c}_label.nii.gz"), size) == label).astype(np.float32)
              for c in cases}
    def stack(pick):
        si = torch.from_numpy(np.stack([images[o][:, :, z] for o, z in pick]))[None, :, None]
        sl = torch.from_numpy(np.stack([labels[o][:, :, z] for o, z in pick]))[None, :, None]
        return si, sl

    scores = []
    for c in cases:
        others = [o for o in cases if o != c]
        pool = [(o, z) for o in others for z in range(images[o].shape[2])
                if strategy == "all" or labels[o][:, :, z].any()]
        fixed = stack([pool[i] for i in np.linspace(0, len(pool) - 1, min(support, len(pool))).round().astype(int)])
        pred = np.zeros_like(labels[c])
        depth = images[c].shape[2]
        for z in range(depth):
            si, sl = fixed if strategy != "position" else stack(_by_position(others, labels, z / (depth - 1), support))
            q = torch.from_numpy(images[c][:, :, z])[None, None]
            pred[:, :, z] = (model(q, si, sl)[0, 0] > 0).numpy()
        truth = labels[c]
        scores.append(float(2 * (pred * truth).sum() / (pred.sum() + truth.sum() + 1e-9)))
    return scores


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", type=Path, required=True, help=".safetensors or a training checkpoint.pt")
    p.add_argument("--tasks", type=int, default=48, help="generated items per support size and family (with --targets T: T per task)")
    p.add_argument("--demo", type=Path, help="folder of <case>_image.nii.gz / <case>_label.nii.gz")
    p.add_argument("--skip-generated", action="store_true")
    p.add_argument("--families", nargs="+", choices=FAMILIES, default=list(FAMILIES),
                   help="generated task families (default: all; the mean is over these)")
    p.add_argument("--support-sizes", type=int, nargs="+", default=list(SUPPORT_SIZES))
    p.add_argument("--task-size", type=int,
                   help="draw the generated tasks at this size (default: the model's native size)")
    p.add_argument("--targets", type=int, default=1, choices=(1, 2, 3),
                   help="targets per anatomy and unaligned task, scored after uvseg's choice between them")
    p.add_argument("--by-kind", action="store_true",
                   help="also print each family's Dice by where the target shows: in no support "
                   "slice, not in the query, or in both (always in --json)")
    p.add_argument("--json", type=Path, help="also write the report here")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    if args.tasks % args.targets:
        p.error("--tasks must be a multiple of --targets: the targets of a task are scored together")
    torch.set_num_threads(args.threads)
    model, size = load(args.weights)
    report = {"weights": str(args.weights), "input_size": size}
    if not args.skip_generated:
        task_size = args.task_size or size
        tasked = model if task_size == size else at_task_size(model, size)
        report["task_size"] = task_size
        report["targets"] = args.targets
        report["generated"] = generated(tasked, task_size, args.tasks, args.families, args.support_sizes,
                                        targets=args.targets)
        for s, r in report["generated"].items():
            print(f"generated S={s:2d}: mean Dice {r['mean']:.3f}  " +
                  "  ".join(f"{f} {r[f]:.3f}" for f in args.families), flush=True)
            if args.by_kind:
                for f in args.families:
                    print(f"    {f}: " + ", ".join(
                        f"{name} {k['dice']:.3f} ({k['tasks']})" for name, k in r["by_kind"][f].items()
                        if k["tasks"]), flush=True)
    if args.demo:
        report["demo"] = {}
        for label, strategy, s in DEMO_SETTINGS:
            scores = demo(model, size, args.demo, label, s, strategy)
            key = f"label{label}_{strategy}_S{s}"
            report["demo"][key] = {"mean": float(np.mean(scores)), "cases": scores}
            print(f"demo label {label}, {strategy} slices, S={s}: mean Dice {np.mean(scores):.3f} "
                  f"(cases {' '.join(f'{x:.2f}' for x in scores)})", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
