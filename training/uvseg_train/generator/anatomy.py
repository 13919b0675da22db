"""Anatomy-like tasks: random label maps rendered with random contrast, in the spirit of SynthSeg
(Billot et al., Medical Image Analysis 2023).

A task draws one random *body*: an outline, nested layers inside it (some thin and folded around
the next, as the cortex folds around white matter; some thick and smooth), and inclusions (blobs,
mirrored pairs, tubes, each optionally wrapped in a ribbon). Its label map changes smoothly with a
slice position z, so the support images are slices of one body at several positions and the query
is a slice near them. Each label gets its own intensity and texture (any order: contrast may be
inverted from task to task). The support images share one pose, resolution and contrast curve (they
come from one volume); the query has its own, as another patient's scan would, and its own smooth
deformation. Images are blurred (partial volume), resampled to a coarser anisotropic resolution and
back, multiplied by a bias field, and get noise. The target is one label, or a layer together with
everything inside it.

A scan may also cut the body obliquely (`tilt`): its slice position then varies linearly across the
image, as when the query's head is rotated out of the support's slice plane, so that no support
slice shows the query's cross-section everywhere. And the query may show another patient
(`other_patient`): the same kinds of structure and contrast, but its own folds and layer
thicknesses, so that only appearance, not a matching outline, tells the target.

Labels may also follow their own convention (`moved_edges`): where a rater or an atlas puts a
tissue's edge within its blurred intensity border differs, so the label's edge is moved in or out
of the image's by one amount for the whole task, which only the support's labels tell.

A task may also ask for several targets at once (`targets` > 1), disjoint, as the labels of one
atlas are: most often a layer and everything inside it (a ribbon and the mass it folds around, as
grey and white matter), else labels drawn at random. Each target is then segmented on its own and
every pixel goes to the most probable one; training on that decision teaches the border between
two targets that single-target tasks never make compete.

Or a body may be *faint* (`faint`): every label inside its outline drawn towards the target's
intensity, so that neighbouring tissues lie a few hundredths apart, as white and grey matter do in
a T1 scan whose contrast curve flattens the bright end, while the body still stands out from what
surrounds it.
"""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

from . import shapes
from .corruptions import bias_field
from .deform import random_pose
from .intensity import normalise
from .textures import Texture


def _smooth_noise(rng: np.random.Generator, size: int, sigma: float) -> np.ndarray:
    field = ndimage.gaussian_filter(rng.standard_normal((size, size)), sigma)
    return (field / (field.std() + 1e-6)).astype(np.float32)


@functools.lru_cache(maxsize=8)
def _spread(size: int, cells: int) -> np.ndarray:
    """[size, cells] weights that spread a coarse grid smoothly over `size` pixels (Gaussian)."""
    x = (np.arange(size) + 0.5) / size * cells - 0.5
    w = np.exp(-0.5 * (x[:, None] - np.arange(cells)[None, :]) ** 2 / 0.8 ** 2)
    return (w / w.sum(1, keepdims=True)).astype(np.float32)


def _coarse_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Smooth unit-variance noise made from a `cells` x `cells` grid (cheaper than a wide blur)."""
    m = _spread(size, cells)
    field = m @ rng.standard_normal((cells, cells)).astype(np.float32) @ m.T
    return field / (field.std() + 1e-6)


def _blob_radius(size: int, center, radii, angle: float, harmonics: np.ndarray) -> np.ndarray:
    """The blob's normalised radius at every pixel: the blob scaled by f about its centre is
    {radius < f} (shapes.blob is {radius < 1})."""
    y, x = shapes.grid(size)
    dy, dx = y - center[0], x - center[1]
    c, s = np.cos(angle), np.sin(angle)
    u, v = (c * dx + s * dy) / radii[1], (-s * dx + c * dy) / radii[0]
    theta = np.arctan2(v, u)
    wobble = 1.0 + sum(a * np.cos(k * theta + p) for k, a, p in harmonics)
    return np.hypot(u, v) / wobble


def _shifted(field: np.ndarray, shift) -> np.ndarray:
    """`field` moved by whole pixels, filled with a large value (outside every blob)."""
    dy, dx = (int(round(float(v))) for v in shift)
    out = np.full_like(field, 1e3)
    h, w = field.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        field[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


@dataclass
class _Layer:
    depth: float      # pixels from the outline to the layer's outer surface, before folding
    fold: float       # amplitude of the folding in pixels (0: parallel to the outline)


@dataclass
class _Inclusion:
    label: int
    kind: str         # "blob", "pair" (mirrored blobs), "tube"
    center: np.ndarray
    radius: np.ndarray  # normalised radius field of the blob(s) at z = 0 (see _blob_radius)
    angle: float
    width: float       # of a tube
    drift: np.ndarray  # movement of the centre per unit of z
    ribbon: float      # thickness of a wrapping layer (0: none); the ribbon has label + 1
    extent: tuple[float, float] | None = None  # (centre, half-length) in z: an ellipsoid's ends; None: all z


class Body:
    """One random labelled body; `labels(z)` is its slice at position z in [-1, 1]."""

    def __init__(self, rng: np.random.Generator, size: int):
        self.size = size
        scale = size / 128
        self.outlined = rng.uniform() < 0.85
        self.center = size / 2 + rng.normal(0, 0.05 * size, 2)
        self.radii = tuple(rng.uniform(0.28, 0.47, 2) * size)
        self.angle = float(rng.uniform(0, np.pi))
        self.outline_radius = _blob_radius(size, self.center, self.radii, self.angle,
                                           shapes.random_harmonics(rng, 0.25))
        self.taper = float(rng.uniform(0, 0.6))
        self.fold_sigmas, self.fold_fields = [], []
        for _ in range(2):  # each width drawn just before its field, as the shipped model's recipe did
            self.fold_sigmas.append(float(rng.uniform(2.5, 7) * scale))
            self.fold_fields.append(_smooth_noise(rng, size, self.fold_sigmas[-1]))
        self.fold_turn = float(rng.uniform(0.5, 2.5))
        layers, depth, fold = [], 0.0, 0.0
        for i in range(int(rng.integers(1, 5))):
            thin = rng.uniform() < 0.5
            depth += (rng.uniform(1.5, 6) if thin else rng.uniform(4, 25)) * scale
            if i == 0 or rng.uniform() < 0.4:  # else parallel to the layer above: a ribbon between
                fold = float(rng.uniform(3, 12) * scale) if rng.uniform() < 0.6 else 0.0
            layers.append(_Layer(depth, fold))
        self.layers = layers
        label = 1 + len(layers) + 1
        self.inclusions = []
        for _ in range(int(rng.integers(0, 5))):
            kind = str(rng.choice(["blob", "blob", "pair", "tube"]))
            r = rng.uniform(0.03, 0.14) * size
            ribbon = float(rng.uniform(1.5, 5) * scale) if rng.uniform() < 0.3 else 0.0
            center = self.center + rng.normal(0, 0.12 * size, 2)
            radii, angle = (r * rng.uniform(0.4, 1.0), r), float(rng.uniform(0, np.pi))
            radius = _blob_radius(size, center, radii, angle, shapes.random_harmonics(rng, 0.5))
            if kind == "pair":  # mirrored about the body's axis through its centre
                mirrored = np.array([center[0], 2 * self.center[1] - center[1]])
                radius = np.minimum(radius, _shifted(radius[:, ::-1], (0, mirrored[1] - (size - 1 - center[1]))))
            self.inclusions.append(_Inclusion(label, kind, center, radius, angle, radii[0] * 0.4,
                                              rng.normal(0, 0.1 * size, 2), ribbon))
            label += 2 if ribbon else 1
        self.label_count = label  # labels are 0 .. label_count - 1 (some may be absent)

    def other_patient(self, rng: np.random.Generator) -> "Body":
        """The body of another patient: folds partly (or wholly) drawn afresh, layers up to about
        20 % thicker or thinner; the rest (outline, inclusions, labels) shared."""
        other = copy.copy(self)
        turn = rng.uniform(0.3, 1) * np.pi / 2  # how far the folds move towards fresh ones
        other.fold_fields = [np.cos(turn) * f + np.sin(turn) * _smooth_noise(rng, self.size, sigma)
                             for f, sigma in zip(self.fold_fields, self.fold_sigmas)]
        depth, layers = 0.0, []
        for inner, outer in zip(self.layers, [_Layer(0.0, 0.0)] + self.layers):
            depth += (inner.depth - outer.depth) * float(np.exp(rng.normal(0, 0.1)))
            layers.append(replace(inner, depth=depth))
        other.layers = layers
        return other

    def _fold(self, z: float) -> np.ndarray:
        a = np.pi * self.fold_turn * z / 2
        return np.cos(a) * self.fold_fields[0] + np.sin(a) * self.fold_fields[1]

    def plane(self, z: float, degrees: float, direction: float) -> np.ndarray:
        """Slice positions [size, size] of a cut through z at the body's centre, tilted by `degrees`
        out of the slice plane towards the in-plane `direction` (radians). A unit of z is taken as
        the body's mean in-plane radius, so the tilt's angle is about what it is in a scan."""
        y, x = shapes.grid(self.size)
        along = np.cos(direction) * (y - self.center[0]) + np.sin(direction) * (x - self.center[1])
        return (z + np.tan(np.deg2rad(degrees)) * along / np.mean(self.radii)).astype(np.float32)

    def labels(self, z) -> np.ndarray:
        """The slice at position z: a number, or an array [size, size] of positions for an oblique cut."""
        size = self.size
        shrink = np.sqrt(np.maximum(0.2, 1 - self.taper * z * z))
        if self.outlined:
            outline = self.outline_radius < shrink
            depth = ndimage.distance_transform_edt(outline)
        else:  # a field of view inside the body: layers follow one side
            y, x = shapes.grid(size)
            depth = (np.cos(self.angle) * (y - self.center[0]) + np.sin(self.angle) * (x - self.center[1])
                     + 0.25 * size)
            outline = depth > 0
        out = np.where(outline, 1, 0).astype(np.int32)
        fold = self._fold(z)
        for i, layer in enumerate(self.layers):
            out[outline & (depth + layer.fold * fold > layer.depth)] = 2 + i
        for inc in self.inclusions:
            mask = self._inclusion(inc, z, fold)
            if inc.ribbon:
                out[(ndimage.distance_transform_edt(~mask) < inc.ribbon) & outline] = inc.label + 1
            out[mask & outline] = inc.label
        return out

    def _inclusion(self, inc: _Inclusion, z, fold: np.ndarray) -> np.ndarray:
        shrink = np.sqrt(np.maximum(0.05, 1 - z * z * 0.5))
        if inc.extent is not None:  # rounds off to nothing at its ends, as an ellipsoid does
            centre, half = inc.extent
            shrink = shrink * np.sqrt(np.maximum(0, 1 - ((z - centre) / half) ** 2))
        if inc.kind == "tube":
            y, x = shapes.grid(self.size)
            c, s = np.cos(inc.angle), np.sin(inc.angle)
            cy, cx = inc.center[0] + inc.drift[0] * z, inc.center[1] + inc.drift[1] * z
            across = -s * (x - cx) + c * (y - cy) + 0.15 * self.size * fold
            return np.abs(across) < inc.width * shrink
        if np.ndim(z) == 0:
            return _shifted(inc.radius, inc.drift * z) < shrink
        # an oblique cut: each pixel sees the blob where its own position has moved it (whole pixels)
        y, x = shapes.grid(self.size)
        coords = np.stack([y - np.round(inc.drift[0] * z), x - np.round(inc.drift[1] * z)])
        return ndimage.map_coordinates(inc.radius, coords, order=0, mode="constant", cval=1e3) < shrink


@dataclass
class _Acquisition:
    """What one scan of a body shares: pose, resolution, blur, contrast curve, bias and noise."""
    pose: float
    elastic: float
    zoom: tuple[float, float]
    blur: float
    curve: np.ndarray     # monotone map of [0, 1] sampled at 9 knots
    bias: float
    noise: float
    rician: bool

    @staticmethod
    def random(rng: np.random.Generator, scale: float) -> "_Acquisition":
        zoom = tuple(float(rng.uniform(1, 3)) if rng.uniform() < 0.5 else 1.0 for _ in range(2))
        steps = rng.uniform(0.2, 1, 8)
        curve = np.concatenate([[0], np.cumsum(steps) / steps.sum()]) ** np.exp(rng.normal(0, 0.3))
        return _Acquisition(float(rng.uniform(0, 1)), float(rng.uniform(0, 4) * scale), zoom,
                            float(rng.uniform(0.3, 1.2) * scale), curve,
                            float(rng.uniform(0, 0.35)) * (rng.uniform() < 0.8),
                            float(rng.uniform(0, 0.08)) * (rng.uniform() < 0.9), bool(rng.uniform() < 0.5))

    def render(self, rng, labels: np.ndarray, means, spreads, textures, pose: np.ndarray):
        """(image, label map) of one slice: warped, rendered, blurred, resampled, biased, noisy."""
        size = labels.shape[0]
        coords = pose + self.elastic * np.stack([_coarse_noise(rng, size, 6) for _ in range(2)])
        labels = ndimage.map_coordinates(labels, coords, order=0, mode="constant", cval=0)
        image = means[labels] + spreads[labels] * rng.standard_normal(labels.shape)
        for label in np.unique(labels):
            if textures[label].amplitude > 0:
                image = np.where(labels == label, image + textures[label].render(rng, size), image)
        image = ndimage.gaussian_filter(image, self.blur)
        if self.zoom != (1.0, 1.0):
            low = ndimage.zoom(image, (1 / self.zoom[0], 1 / self.zoom[1]), order=1)
            image = ndimage.zoom(low, (size / low.shape[0], size / low.shape[1]), order=1)
        if self.bias:
            image = image * bias_field(rng, size, self.bias)
        image = np.interp(np.clip(image, 0, 1), np.linspace(0, 1, self.curve.size), self.curve)
        if self.noise:
            noisy = image + rng.normal(0, self.noise, image.shape)
            image = np.hypot(noisy, rng.normal(0, self.noise, image.shape)) if self.rician else noisy
        lo, hi = np.percentile(image, [0.5, 99.5])
        return np.clip((image - lo) / (hi - lo + 1e-6), 0, 1).astype(np.float32), labels


def anatomy_task(rng: np.random.Generator, size: int, support: int, queries: int, tilt: float = 0.0,
                 other_patient: bool = False, passed: bool = False, moved_edges: bool = False,
                 targets: int = 1, faint: bool = False):
    """Lists of images and 0/1 labels: `support` slices of one scan of a random body, then `queries`
    slices of another scan of it. Labels are [H, W], or [targets, H, W] for several disjoint
    targets (`_disjoint_targets`; not with `passed` or `moved_edges`). With `tilt` > 0 the query
    scan cuts the body at up to `tilt` degrees out of the support's slice plane (and the support
    scan at up to a quarter of it); with `other_patient` the query scan shows another patient's
    body (`Body.other_patient`). With `passed` the target is a structure of limited length that
    the support slices cut and the query slices lie beyond, so the query's label is empty (see
    `_passed_structure`). With `moved_edges` every label's edge is moved by the task's own amount
    (`_moved_edges`). With `faint` the labels inside the outline lie close in intensity (`_faint`)."""
    if targets > 1 and (passed or moved_edges):
        raise ValueError("several targets go with neither passed nor moved_edges tasks")
    scale = size / 128
    body = Body(rng, size)
    z0, spread = rng.uniform(-0.7, 0.7), rng.uniform(0, 0.5)
    positions = [z0 + spread * rng.uniform(-1, 1) for _ in range(support)]
    positions += [z0 + rng.normal(0, 0.1) for _ in range(queries)]
    if passed:
        passed_target, (centre, half) = _passed_structure(rng, body, positions[support:])
        positions[:support] = [centre + half * rng.uniform(-0.7, 0.7) for _ in range(support)]
    if tilt > 0:
        cuts = [(rng.uniform(0, tilt / 4), rng.uniform(0, 2 * np.pi)),
                (rng.uniform(0, tilt), rng.uniform(0, 2 * np.pi))]
        positions = [body.plane(z, *cuts[int(i >= support)]) for i, z in enumerate(positions)]
    scanned = [body, body.other_patient(rng) if other_patient else body]
    slices = [scanned[int(i >= support)].labels(np.clip(z, -1, 1)) for i, z in enumerate(positions)]
    if targets > 1:
        target_sets = _disjoint_targets(rng, body, slices[support:], targets)
        means = _means(rng, body.label_count, target_sets[0], others=target_sets[1:])
    else:
        target_sets = [passed_target if passed else _target(rng, body, slices[support:])]
        means = _means(rng, body.label_count, target_sets[0])
    if faint:
        means = _faint(rng, means, target_sets[0])
    spreads = rng.uniform(0, 0.06, body.label_count) * (rng.uniform() < 0.8)
    textures = [Texture.random(rng, 0.06) if rng.uniform() < 0.3 else Texture("smooth", 1, 0, 0)
                for _ in range(body.label_count)]
    scans = [_Acquisition.random(rng, scale), _Acquisition.random(rng, scale)]
    poses = [random_pose(rng, size, scans[0].pose), random_pose(rng, size, scans[1].pose)]
    images, labels = [], []
    for i, labels_at_z in enumerate(slices):
        scan = int(i >= support)
        image, warped = scans[scan].render(rng, labels_at_z, means, spreads, textures, poses[scan])
        images.append(image)
        masks = [np.isin(warped, target).astype(np.float32) for target in target_sets]
        labels.append(np.stack(masks) if targets > 1 else masks[0])
    return images, (_moved_edges(rng, labels, scale) if moved_edges else labels)


def _moved_edges(rng: np.random.Generator, labels: list[np.ndarray], scale: float) -> list[np.ndarray]:
    """The labels under one convention for the whole task: each blurred (sigma 1-2.5 pixels at 128)
    and cut at a threshold in 0.2-0.8 instead of one half, which moves a straight edge outwards or
    inwards by up to 0.84 sigma, about two pixels. A task where that would take half of some label
    away (thin ribbons vanish first) keeps its labels as they are."""
    sigma, threshold = rng.uniform(1, 2.5) * scale, rng.uniform(0.2, 0.8)
    moved = [(ndimage.gaussian_filter(label, sigma) > threshold).astype(np.float32) for label in labels]
    if any(new.sum() < 0.5 * old.sum() for old, new in zip(labels, moved)):
        return labels
    return moved


def _passed_structure(rng: np.random.Generator, body: Body,
                      query_positions: list[float]) -> tuple[np.ndarray, tuple[float, float]]:
    """Adds to `body` a blob of limited length in z that ends before the query positions (as a
    kidney or a ventricle ends some slices away from where a scan shows it); returns its label,
    the target, and its (centre, half-length) in z: support slices placed along that length show
    it, the query's label is empty."""
    size = body.size
    nearest = float(np.mean(query_positions))
    half = float(rng.uniform(0.1, 0.3))
    gap = float(rng.uniform(0.05, 0.3)) + max(abs(z - nearest) for z in query_positions)
    side = -1 if nearest > 0 else 1  # towards the body's middle, where there is room
    centre = nearest + side * (gap + half) * (1 if rng.uniform() < 0.8 else -1)
    if abs(centre) + half > 1:  # no room on that side
        centre = nearest - (centre - nearest)
    r = rng.uniform(0.05, 0.14) * size
    center = body.center + rng.normal(0, 0.12 * size, 2)
    radii, angle = (r * rng.uniform(0.4, 1.0), r), float(rng.uniform(0, np.pi))
    radius = _blob_radius(size, center, radii, angle, shapes.random_harmonics(rng, 0.5))
    label = body.label_count
    body.inclusions.append(_Inclusion(label, "blob", center, radius, angle, radii[0] * 0.4,
                                      rng.normal(0, 0.05 * size, 2), 0.0, (centre, half)))
    body.label_count += 1
    return np.array([label]), (centre, half)


def _label_counts(body: Body, query_slices: list[np.ndarray]) -> np.ndarray:
    """Pixels of each of the body's labels in the query slices."""
    return np.bincount(np.concatenate([m.ravel() for m in query_slices]), minlength=body.label_count)


def _target(rng: np.random.Generator, body: Body, query_slices: list[np.ndarray]) -> np.ndarray:
    """The labels that make the target: one label present in the query, or (a third of the time,
    when it is a layer) that layer with every label inside it. The first is the outermost."""
    counts = _label_counts(body, query_slices)
    present = np.flatnonzero(counts[1:] > 0.002 * counts.sum()) + 1
    if present.size == 0:
        present = np.flatnonzero(counts[1:]) + 1 if counts[1:].any() else np.array([0])
    label = int(rng.choice(present))
    if 2 <= label < 2 + len(body.layers) and rng.uniform() < 0.33:
        return np.arange(label, body.label_count)
    return np.array([label])


def _disjoint_targets(rng: np.random.Generator, body: Body, query_slices: list[np.ndarray],
                      count: int) -> list[np.ndarray]:
    """`count` (at most 3) disjoint targets, present in the query where it shows enough labels.
    Two times in three, when the query shows a layer with something inside it: that layer, then
    everything inside it, then the label just outside the layer (as grey matter, white matter and
    the fluid around them). Else, or for the rest: single labels drawn at random."""
    counts = _label_counts(body, query_slices)
    present = np.flatnonzero(counts > 0.002 * counts.sum())
    inner = [layer for layer in range(2, 2 + len(body.layers))
             if layer in present and np.isin(np.arange(layer + 1, body.label_count), present).any()]
    chosen: list[np.ndarray] = []
    if inner and rng.uniform() < 2 / 3:
        layer = int(rng.choice(inner))
        chosen = [np.array([layer]), np.arange(layer + 1, body.label_count), np.array([layer - 1])][:count]
    for pool in (present[present > 0], np.arange(body.label_count)):  # then absent ones, then outside
        spare = rng.permutation(np.setdiff1d(pool, np.concatenate(chosen or [np.array([], int)])))
        chosen += [np.array([label]) for label in spare[:count - len(chosen)]]
    return chosen


def _faint(rng: np.random.Generator, means: np.ndarray, target: np.ndarray) -> np.ndarray:
    """`means` with every label but the outside (label 0) moved towards the target's outermost
    label, to 15-50 % of its distance from it (one share for the task): the order of intensities
    stays, the gaps between neighbours shrink to a few hundredths."""
    anchor = means[int(target[0])]
    inside = np.arange(means.size) > 0
    return np.where(inside, anchor + (means - anchor) * rng.uniform(0.15, 0.5), means)


def _means(rng: np.random.Generator, count: int, target: np.ndarray, gap: float = 0.1,
           others: list[np.ndarray] = ()) -> np.ndarray:
    """Each label's mean intensity, in any order (contrast may be inverted), with the target's
    outermost label at least `gap` from every label outside the target, so that the target shows.
    Each of the `others` targets gets its outermost label at least `gap` / 2 from every label
    outside it (the target's included), so that it shows too, though perhaps faintly (as white
    against grey matter)."""
    means = rng.uniform(0, 1, count)
    if rng.uniform() < 0.7:  # a dark outside, as in skull-stripped or air-surrounded scans
        means[0] = rng.uniform(0, 0.1)
    anchor = int(target[0])
    outside = np.setdiff1d(np.arange(count), target)
    for _ in range(20):
        close = outside[np.abs(means[outside] - means[anchor]) < gap]
        if close.size == 0:
            break
        if 0 in close and anchor != 0:
            means[anchor] = rng.uniform(0, 1)
        else:
            means[close] = rng.uniform(0, 1, close.size)
    for other in others:
        anchor, outside = int(other[0]), np.setdiff1d(np.arange(count), other)
        for _ in range(20):
            if np.all(np.abs(means[outside] - means[anchor]) >= gap / 2):
                break
            means[anchor] = rng.uniform(0, 1)
    return means
