"""Task families and the sampler of (support set, query, query label).

A task is a family of images sharing one rule that decides the label. The families:
- `regions`: a random partition into smooth regions, each with its own intensity and texture; every
  image is an elastic deformation of the same partition; the target is one region.
- `objects`: a textured background with several kinds of objects (blobs, rings, irregular blobs, thin
  curves, small dots), each kind with its own size, intensity and texture; the target is one kind;
  the others are clutter (sometimes of the same intensity, so that shape decides).
- `phantom`: axial slices of 3-D phantoms (tools/make_demo_data.py); support and query slices come
  from different volumes; the target is the organ (label 1) or the second structure (label 2).
- `anatomy`: random anatomy-like label maps (nested, folded and touching structures) rendered with
  random contrast, resolution, bias and noise; support and query are two scans of one body (see
  `anatomy.py`).
- `unaligned`: `anatomy` with the query another patient's (own folds and layer thicknesses), its
  scan cutting the body up to 15 degrees out of the support's slice plane, as a query whose head
  is turned against the support's is sliced.
- `passed`: `anatomy` whose target is a structure of limited length that the support slices cut
  and the query's slice lies beyond: the query's label is empty, as in slices past an organ's end.
- `edges`: `anatomy` whose labels put every edge a task's own distance inside or outside the
  image's intensity border, as labelling conventions differ: only the support tells where.
- `faint`: `anatomy` whose labels inside the body lie close in intensity (a few hundredths apart
  at the target), as white and grey matter do after some scanners' contrast curves.
All images share the task's orientation, corruption strength and contrast change; each image gets
its own deformation, noise and jitter. Images are in [0, 1], labels are 0/1.

`anatomy`, `unaligned` and `faint` tasks may have several disjoint targets (`TaskSampler.sample`'s
`targets`), labelled on the same images, to train the choice between them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .anatomy import anatomy_task
from .clutter import ObjectKind
from .corruptions import Corruptions
from .deform import random_warp, warp
from .intensity import contrast_jitter, distinct_levels, normalise
from .phantoms import PhantomBank
from .textures import Texture

# new families go last, so that a mix without them draws the same tasks as before
FAMILIES = ("regions", "objects", "phantom", "anatomy", "unaligned", "passed", "edges", "faint")
# the mix of the first shipped model; the anatomy families came later (appended, so that a mix
# without them draws the same tasks as before)
DEFAULT_MIX = {"regions": 0.3, "objects": 0.4, "phantom": 0.3, "anatomy": 0.0, "unaligned": 0.0, "passed": 0.0,
               "edges": 0.0, "faint": 0.0}
UNALIGNED_TILT_DEGREES = 15.0
SEVERAL_TARGET_FAMILIES = ("anatomy", "unaligned", "faint")


@dataclass
class Task:
    support_images: np.ndarray   # [S, H, W] float32
    support_labels: np.ndarray   # [S, H, W] float32, or [S, T, H, W] for T targets
    query_images: np.ndarray     # [Q, H, W]
    query_labels: np.ndarray     # [Q, H, W], or [Q, T, H, W]
    family: str


class TaskSampler:
    """Draws tasks of images `size` x `size`. `mix` gives the families' relative frequencies
    (`phantom` needs `phantoms`)."""

    def __init__(self, size: int, phantoms: PhantomBank | None = None, mix: dict[str, float] | None = None):
        self.size = size
        self.phantoms = phantoms
        mix = {**DEFAULT_MIX, **(mix or {})}
        if phantoms is None:
            mix["phantom"] = 0.0
        w = np.asarray([mix[f] for f in FAMILIES], float)
        self.weights = w / w.sum()
        several = np.asarray([mix[f] for f in SEVERAL_TARGET_FAMILIES], float)
        self.several_weights = several / several.sum() if several.sum() > 0 else None

    def sample(self, rng: np.random.Generator, support: int, queries: int = 1,
               family: str | None = None, targets: int = 1) -> Task:
        """A task of the given family, else one drawn by the mix; with `targets` > 1 (at most 3)
        one of the SEVERAL_TARGET_FAMILIES (drawn by their weights in the mix) with that many."""
        if targets > 1:
            if family is None and self.several_weights is None:
                raise ValueError(f"tasks with several targets come from {' or '.join(SEVERAL_TARGET_FAMILIES)}, "
                                 "which the mix gives no weight")
            family = family or str(rng.choice(SEVERAL_TARGET_FAMILIES, p=self.several_weights))
            if family not in SEVERAL_TARGET_FAMILIES:
                raise ValueError(f"a {family!r} task has one target")
            images, labels = getattr(self, "_" + family)(rng, support, queries, targets)
        else:
            family = family or str(rng.choice(FAMILIES, p=self.weights))
            images, labels = getattr(self, "_" + family)(rng, support, queries)
        images, labels = self._finish(rng, images, labels)
        return Task(images[:support], labels[:support], images[support:], labels[support:], family)

    # -- families ------------------------------------------------------------------------------

    def _regions(self, rng, support, queries):
        n = support + queries
        k = int(rng.integers(3, 9))
        smooth = rng.uniform(3, 9) * self.size / 64
        fields = ndimage.gaussian_filter(rng.standard_normal((k, self.size, self.size)), (0, smooth, smooth))
        partition = fields.argmax(0).astype(np.float32)
        levels = distinct_levels(rng, k, 0.1)
        textures = [Texture.random(rng) for _ in range(k)]
        target = 0  # levels[0] is kept apart from the others by distinct_levels
        style = _Style.random(rng)
        images, labels = [], []
        for _ in range(n):
            coords = random_warp(rng, self.size, rng.uniform(1, 4) * self.size / 64, style.affine)
            part = warp(partition, coords, nearest=True).astype(int)
            image = np.zeros((self.size, self.size), np.float32)
            for r in range(k):
                region = part == r
                image[region] = (levels[r] + rng.normal(0, 0.03) + textures[r].render(rng, self.size))[region]
            images.append(style.corrupt(rng, image))
            labels.append((part == target).astype(np.float32))
        return images, labels

    def _objects(self, rng, support, queries):
        n = support + queries
        kinds_n = int(rng.integers(2, 6))
        levels = distinct_levels(rng, kinds_n + 1, 0.12)
        target_kind = ObjectKind.random(rng, self.size, levels[0])
        clutter = [ObjectKind.random(rng, self.size, lv) for lv in levels[2:]]
        if rng.uniform() < 0.25:  # a distractor as bright as the target: only shape or size tells
            other = [s for s in ("blob", "ring", "curve", "dots") if s != target_kind.shape]
            clutter.append(ObjectKind.random(rng, self.size, levels[0], str(rng.choice(other))))
        background_level, background_texture = levels[1], Texture.random(rng)
        style = _Style.random(rng)
        images, labels = [], []
        for _ in range(n):
            image = background_level + background_texture.render(rng, self.size)
            label = np.zeros((self.size, self.size), bool)
            kinds = [target_kind] + clutter
            for i in rng.permutation(len(kinds)):
                kind = kinds[i]
                mask = kind.draw(rng, self.size)
                value = kind.level + rng.normal(0, 0.03) + kind.texture.render(rng, self.size)
                image = np.where(mask, value, image)
                label = mask if i == 0 else label & ~mask
            coords = random_warp(rng, self.size, rng.uniform(0, 3) * self.size / 64, 0.0)
            images.append(style.corrupt(rng, warp(image.astype(np.float32), coords, nearest=False)))
            labels.append(warp(label.astype(np.float32), coords, nearest=True))
        return images, labels

    def _phantom(self, rng, support, queries):
        n = support + queries
        bank = self.phantoms
        label = 1 if rng.uniform() < 0.8 else 2
        per_slice = rng.uniform() < 0.4
        volumes = rng.permutation(len(bank))
        depth = bank.images[0].shape[2]
        # the query (last) comes from its own volume; the support from a few others
        owners = list(rng.choice(volumes[1:1 + int(rng.integers(1, 9))], n - 1)) + [volumes[0]]
        style = _Style.random(rng, mild=True)
        images, labels = [], []
        for v in owners:
            z = int(rng.integers(0, depth))
            image, lab = bank.slice(int(v), z, label)
            if image.shape[0] != self.size:
                f = self.size / image.shape[0]
                image = ndimage.zoom(image, f, order=1)
                lab = (ndimage.zoom(lab, f, order=1) > 0.5).astype(np.float32)
            if rng.uniform() < 0.5:
                coords = random_warp(rng, self.size, rng.uniform(0, 2), 0.5)
                image, lab = warp(image, coords, nearest=False), warp(lab, coords, nearest=True)
            image = normalise(image) if per_slice else image
            images.append(style.corrupt(rng, image, renormalise=per_slice))
            labels.append(lab)
        return images, labels

    def _anatomy(self, rng, support, queries, targets=1):
        return anatomy_task(rng, self.size, support, queries, targets=targets)

    def _passed(self, rng, support, queries):
        return anatomy_task(rng, self.size, support, queries, passed=True)

    def _edges(self, rng, support, queries):
        return anatomy_task(rng, self.size, support, queries, moved_edges=True)

    def _faint(self, rng, support, queries, targets=1):
        return anatomy_task(rng, self.size, support, queries, targets=targets, faint=True)

    def _unaligned(self, rng, support, queries, targets=1):
        return anatomy_task(rng, self.size, support, queries, tilt=UNALIGNED_TILT_DEGREES, other_patient=True,
                            targets=targets)

    # -- shared finishing ------------------------------------------------------------------------

    def _finish(self, rng, images, labels):
        """The task's orientation (a dihedral transform) and contrast, the same for every image (and
        for each of its labels: the last two axes are the image's)."""
        k, flip = int(rng.integers(0, 4)), rng.uniform() < 0.5
        strength = rng.uniform(0, 1)
        seed = int(rng.integers(1 << 31))
        out_i, out_l = [], []
        for image, label in zip(images, labels):
            image, label = np.rot90(image, k), np.rot90(label, k, axes=(-2, -1))
            if flip:
                image, label = image[:, ::-1], label[..., ::-1]
            jitter = np.random.default_rng(seed)  # the same contrast change for every image
            image = contrast_jitter(jitter, image, strength)
            image = contrast_jitter(rng, image, 0.2)
            out_i.append(image)
            out_l.append(np.ascontiguousarray(label))
        return np.stack(out_i).astype(np.float32), np.stack(out_l).astype(np.float32)


@dataclass
class _Style:
    """A task's corruption strengths and affine freedom."""
    corruptions: Corruptions
    affine: float

    @staticmethod
    def random(rng: np.random.Generator, mild: bool = False) -> "_Style":
        c = Corruptions.random(rng)
        if mild:
            c = Corruptions(c.noise * 0.5, c.bias * 0.5, c.blur * 0.5)
        return _Style(c, float(rng.uniform(0, 1)))

    def corrupt(self, rng, image, renormalise: bool = True):
        image = self.corruptions.apply(rng, image)
        return normalise(image) if renormalise else np.clip(image, 0, 1).astype(np.float32)
