#!/usr/bin/env python3
"""Writes real-scan validation cases from the MNI ICBM152 2009a symmetric template that nilearn ships
(see template.py and README.md). Each case folder holds

    support_image.nii.gz   the template T1 on a 2 mm RAS grid (float32)
    support_labels.nii.gz  its white matter (1) and grey matter (2), uint8
    query_image.nii.gz     the same brain deformed, given another contrast curve, bias field and
                           Rician noise, on the case's own grid (float32)
    query_truth.nii.gz     the query's true labels, on the query's grid, uint8
    case.json              every parameter drawn, so the case can be described and checked

Cases: `same-pose` (the query on the support's grid) and `other-pose` (the query also rotated and
shifted, on a grid of other voxel sizes stored in another orientation). Everything is drawn from
--seed: the same seed writes the same files.

Images and labels of a query come from one mapping of each query voxel's world point into the
template (pose, then deformation); the T1 and both probability maps are sampled there with
trilinear interpolation after a Gaussian blur that makes 1 mm voxels as large as the target's
(partial volume), and the labels are taken from the sampled probabilities (template.tissue_labels),
so labels and image agree at every voxel.
"""

import argparse
import json
from pathlib import Path

import nibabel as nib
import numpy as np
from scipy import ndimage

import resample
import template

SUPPORT_VOXEL_MM = 2.0
# The deformation: a smooth random displacement (Gaussian-filtered white noise, sigma
# DEFORMATION_SMOOTHNESS_MM) whose largest length is DEFORMATION_MM, on a 4 mm grid. 12 mm at
# most (about 3 mm root mean square) makes copying the support's labels score about 0.83 Dice, as
# between two real brains in the same pose; the map stays one-to-one (Jacobian > 0, in case.json).
DEFORMATION_MM = 12.0
DEFORMATION_SMOOTHNESS_MM = 12.0
DEFORMATION_GRID_MM = 4.0
# Multiplicative bias field exp(b), b of standard deviation BIAS_STD, smooth over BIAS_SMOOTHNESS_MM.
BIAS_STD = 0.15
BIAS_SMOOTHNESS_MM = 50.0
# Rician noise of this share of the brain's 99th intensity percentile.
NOISE_SHARE = 0.03
QUERY_SCALE = 1000.0
# The other pose: rotations about each world axis of 5 to 10 degrees and shifts of 10 to 20 mm,
# random signs; the grid stored posterior-left-superior (axes 0 and 1 swapped and both flipped
# relative to the template's RAS) with voxels of these sizes along the stored axes.
ROTATION_DEGREES = (5.0, 10.0)
SHIFT_MM = (10.0, 20.0)
OTHER_AXES = ("P", "L", "S")
OTHER_VOXEL_MM = (2.2, 1.8, 2.5)
FIELD_OF_VIEW_MARGIN_MM = 10.0
CASES = ("same-pose", "other-pose")

AXIS_DIRECTIONS = {"R": (0, 1), "L": (0, -1), "A": (1, 1), "P": (1, -1), "S": (2, 1), "I": (2, -1)}


def random_field(shape, sigma_voxels, rng):
    """Gaussian-filtered white noise, zero mean and unit standard deviation."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma_voxels, mode="reflect")
    return (field - field.mean()) / field.std()


def oriented_affine(axes, voxel_mm, origin):
    """Affine of a grid whose stored axis k runs along world direction axes[k] (RAS letters)."""
    affine = np.eye(4)
    for k, (letter, size) in enumerate(zip(axes, voxel_mm)):
        world_axis, sign = AXIS_DIRECTIONS[letter]
        affine[:3, k] = 0.0
        affine[world_axis, k] = sign * size
    affine[:3, 3] = origin
    return affine


def covering_grid(axes, voxel_mm, world_low, world_high):
    """(shape, affine) of a grid with these axes and voxel sizes that covers a world box."""
    direction = oriented_affine(axes, voxel_mm, np.zeros(3))[:3, :3]
    corners = np.array([[lo if bit == 0 else hi for bit, lo, hi in zip(bits, world_low, world_high)]
                        for bits in np.ndindex(2, 2, 2)])
    indices = np.linalg.solve(direction, corners.T)
    low, high = indices.min(axis=1), indices.max(axis=1)
    shape = tuple(int(n) for n in np.ceil(high - low).astype(int) + 1)
    origin = direction @ low
    return shape, oriented_affine(axes, voxel_mm, origin)


def rotation_matrix(degrees):
    """Rotation about x, then y, then z (world axes), by these angles."""
    rx, ry, rz = np.deg2rad(degrees)
    x = np.array([[1, 0, 0], [0, np.cos(rx), -np.sin(rx)], [0, np.sin(rx), np.cos(rx)]])
    y = np.array([[np.cos(ry), 0, np.sin(ry)], [0, 1, 0], [-np.sin(ry), 0, np.cos(ry)]])
    z = np.array([[np.cos(rz), -np.sin(rz), 0], [np.sin(rz), np.cos(rz), 0], [0, 0, 1]])
    return z @ y @ x


def random_pose(rng, centre):
    """A rigid pose (4 x 4, template world -> query world) about the brain's centre."""
    signs = lambda: rng.choice([-1.0, 1.0], size=3)
    degrees = signs() * rng.uniform(*ROTATION_DEGREES, size=3)
    shift = signs() * rng.uniform(*SHIFT_MM, size=3)
    pose = np.eye(4)
    pose[:3, :3] = rotation_matrix(degrees)
    pose[:3, 3] = centre + shift - pose[:3, :3] @ centre
    return pose, degrees, shift


class Deformation:
    """A smooth random displacement u on a grid in template world space: a point x maps to
    x + u(x)."""

    def __init__(self, rng, template_shape, template_affine):
        spacing = DEFORMATION_GRID_MM / np.abs(np.diag(template_affine)[:3])
        shape = tuple(int(n) for n in np.ceil(np.array(template_shape) / spacing))
        self.affine = template_affine.copy()
        self.affine[:3, :3] = template_affine[:3, :3] * spacing
        sigma = DEFORMATION_SMOOTHNESS_MM / DEFORMATION_GRID_MM
        field = np.stack([random_field(shape, sigma, rng) for _ in range(3)])
        field *= DEFORMATION_MM / np.sqrt((field ** 2).sum(axis=0)).max()
        self.field = field.astype(np.float32)

    def smallest_jacobian(self):
        """The smallest Jacobian determinant of x -> x + u(x): positive means no folding."""
        gradient = np.stack([np.stack(np.gradient(component, DEFORMATION_GRID_MM))
                             for component in self.field])
        jacobian = gradient.transpose(2, 3, 4, 0, 1) + np.eye(3)
        return float(np.linalg.det(jacobian).min())

    def rms_mm(self):
        """Root mean square of the displacement's length over the grid."""
        return float(np.sqrt((self.field ** 2).sum(axis=0).mean()))

    def apply(self, points):
        coordinates = resample.voxel_coordinates(points, self.affine)
        displacement = np.stack([ndimage.map_coordinates(component, coordinates, order=1,
                                                         mode="nearest")
                                 for component in self.field], axis=1)
        return points + displacement


def partial_volume(volume, target_voxel_mm, source_voxel_mm):
    """The 1 mm source blurred so that each sample averages about one target voxel (a Gaussian of
    FWHM sqrt(target^2 - source^2))."""
    fwhm = np.sqrt(max(np.mean(target_voxel_mm) ** 2 - source_voxel_mm ** 2, 0.0))
    return ndimage.gaussian_filter(volume, fwhm / 2.355 / source_voxel_mm)


def sample_brain(brain, points, voxel_mm):
    """(t1, labels) of the template at these template-world points, for voxels of voxel_mm."""
    t1, gm, wm, affine = brain
    source_mm = float(np.abs(np.diag(affine)[:3]).mean())
    blurred = [partial_volume(volume, voxel_mm, source_mm) for volume in (t1, gm, wm)]
    t1_values, gm_values, wm_values = (resample.sample_linear(volume, affine, points)
                                       for volume in blurred)
    return t1_values, template.tissue_labels(gm_values, wm_values)


def contrast_curve(rng):
    """A random monotone non-linear map of [0, 1] onto itself: a piecewise-linear curve through
    nine knots with random positive slopes, then a gamma."""
    knots = np.linspace(0.0, 1.0, 9)
    values = np.concatenate([[0.0], np.cumsum(rng.uniform(0.2, 1.8, size=8))])
    values /= values[-1]
    gamma = rng.uniform(0.5, 0.8)
    return knots, values ** gamma, gamma


def scanner_appearance(t1, shape, voxel_mm, rng):
    """The query's intensities: contrast curve, bias field, Rician noise; returns (image, facts)."""
    knots, values, gamma = contrast_curve(rng)
    image = np.interp(np.clip(t1 / 255.0, 0.0, 1.0), knots, values).reshape(shape)
    sigma = BIAS_SMOOTHNESS_MM / np.asarray(voxel_mm)
    bias = np.exp(BIAS_STD * random_field(shape, sigma, rng))
    image = image * bias
    noise = NOISE_SHARE * np.percentile(image[image > 0], 99)
    image = np.sqrt((image + noise * rng.standard_normal(shape)) ** 2
                    + (noise * rng.standard_normal(shape)) ** 2)
    facts = {"contrast_knots": knots.round(4).tolist(), "contrast_values": values.round(4).tolist(),
             "contrast_gamma": round(float(gamma), 4),
             "bias_range": [round(float(bias.min()), 3), round(float(bias.max()), 3)],
             "noise_sigma_share_of_p99": NOISE_SHARE}
    return (image * QUERY_SCALE).astype(np.float32), facts


def save(array, affine, path):
    image = nib.Nifti1Image(array, affine)
    image.set_qform(affine, code=1)
    image.set_sform(affine, code=1)
    nib.save(image, path)


def support_grid(brain):
    """The template's field of view on a SUPPORT_VOXEL_MM RAS grid (2 x 2 x 2 blocks of 1 mm)."""
    t1, _, _, affine = brain
    step = SUPPORT_VOXEL_MM / np.abs(np.diag(affine)[:3])
    shape = tuple(int(n) for n in np.floor(np.array(t1.shape) / step))
    grid = affine.copy()
    grid[:3, :3] = affine[:3, :3] * step
    grid[:3, 3] = affine[:3, :3] @ ((step - 1) / 2) + affine[:3, 3]
    return shape, grid


def brain_box(brain, pose):
    """World box that holds the template's brain once moved by this pose."""
    t1, _, _, affine = brain
    points = resample.grid_points(t1.shape, affine)[t1.reshape(-1) > 0]
    moved = points @ pose[:3, :3].T + pose[:3, 3]
    return moved.min(axis=0) - FIELD_OF_VIEW_MARGIN_MM, moved.max(axis=0) + FIELD_OF_VIEW_MARGIN_MM


def brain_centre(brain):
    t1, _, _, affine = brain
    points = resample.grid_points(t1.shape, affine)[t1.reshape(-1) > 0]
    return points.mean(axis=0)


def write_case(name, index, seed, brain, folder):
    """One case: support (the template), query (deformed, other appearance, maybe other pose)."""
    rng = np.random.default_rng([seed, index])
    folder.mkdir(parents=True, exist_ok=True)
    support_shape, support_affine = support_grid(brain)
    support_points = resample.grid_points(support_shape, support_affine)
    support_t1, support_labels = sample_brain(brain, support_points, (SUPPORT_VOXEL_MM,) * 3)
    save(support_t1.reshape(support_shape).astype(np.float32), support_affine,
         folder / "support_image.nii.gz")
    save(support_labels.reshape(support_shape), support_affine, folder / "support_labels.nii.gz")

    facts = {"case": name, "seed": seed, "source": "MNI ICBM152 2009a symmetric template (nilearn)"}
    if name == "same-pose":
        pose = np.eye(4)
        query_shape, query_affine = support_shape, support_affine
        voxel_mm = (SUPPORT_VOXEL_MM,) * 3
        axes = ("R", "A", "S")
    else:
        pose, degrees, shift = random_pose(rng, brain_centre(brain))
        voxel_mm, axes = OTHER_VOXEL_MM, OTHER_AXES
        query_shape, query_affine = covering_grid(axes, voxel_mm, *brain_box(brain, pose))
        facts.update(rotation_degrees_xyz=degrees.round(3).tolist(), shift_mm=shift.round(3).tolist())
    deformation = Deformation(rng, brain[0].shape, brain[3])
    query_points = resample.grid_points(query_shape, query_affine)
    # Query world -> template world: undo the pose, then deform.
    unposed = resample.voxel_coordinates(query_points, pose).T
    template_points = deformation.apply(unposed)
    query_t1, query_labels = sample_brain(brain, template_points, voxel_mm)
    image, appearance = scanner_appearance(query_t1, query_shape, voxel_mm, rng)
    save(image, query_affine, folder / "query_image.nii.gz")
    save(query_labels.reshape(query_shape), query_affine, folder / "query_truth.nii.gz")
    facts.update(
        pose_template_to_query=pose.round(6).tolist(),
        support_shape=list(support_shape), support_affine=support_affine.round(6).tolist(),
        query_shape=list(query_shape), query_affine=query_affine.round(6).tolist(),
        query_axes="".join(axes), query_voxel_mm=list(voxel_mm),
        deformation_max_mm=DEFORMATION_MM, deformation_smoothness_mm=DEFORMATION_SMOOTHNESS_MM,
        deformation_rms_mm=round(deformation.rms_mm(), 3),
        deformation_smallest_jacobian=round(deformation.smallest_jacobian(), 4),
        support_voxels_per_label={str(label): int((support_labels == label).sum()) for label in (1, 2)},
        query_voxels_per_label={str(label): int((query_labels == label).sum()) for label in (1, 2)},
        **appearance)
    (folder / "case.json").write_text(json.dumps(facts, indent=2) + "\n")
    return facts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data",
                        help="folder that receives one sub-folder per case (default: data/ here)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument("--template-dir", type=Path,
                        help="folder with the template files (default: nilearn's package data)")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    arguments = parser.parse_args()
    brain = template.load_template(arguments.template_dir)
    for name in arguments.cases:
        facts = write_case(name, CASES.index(name), arguments.seed, brain, arguments.out / name)
        print(f"{arguments.out / name}: query {facts['query_shape']} {facts['query_axes']} "
              f"{facts['query_voxel_mm']} mm, smallest Jacobian "
              f"{facts['deformation_smallest_jacobian']}")


if __name__ == "__main__":
    main()
