"""Small labelled phantom volumes written as NIfTI for the end-to-end tests of volume segmentation."""
import pathlib

import nibabel as nib
import numpy as np

# Voxel (i, j, k) -> world mm: the query is stored LPS, the examples RAS, so the workflow must
# find the planes from the affines.
RAS = np.diag([1.2, 1.0, 2.5, 1.0])
LPS = np.array([[-1.2, 0, 0, 30.0], [0, -1.0, 0, 20.0], [0, 0, 2.5, -5.0], [0, 0, 0, 1.0]])


def phantom(seed: int, shape=(24, 20, 8)) -> tuple[np.ndarray, np.ndarray]:
    """An image (float32, MR-like units) and labels (uint8: 1 a ball, 2 a box) on a RAS grid."""
    rng = np.random.default_rng(seed)
    i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    centre = np.array(shape) * (0.4 + 0.1 * rng.random(3))
    ball = ((i - centre[0]) / 6) ** 2 + ((j - centre[1]) / 5) ** 2 + ((k - centre[2]) / 3) ** 2 <= 1
    box = (i >= 16) & (i < 21) & (j >= 3) & (j < 7) & (k >= 2) & (k < 6)
    labels = np.where(box, 2, np.where(ball, 1, 0)).astype(np.uint8)
    image = 200 + 600 * (labels == 1) + 1200 * (labels == 2) + 30 * rng.standard_normal(shape)
    return image.astype(np.float32), labels


def write_case(folder: pathlib.Path, name: str, seed: int, affine=RAS) -> tuple[pathlib.Path, pathlib.Path]:
    """Writes NAME_image.nii.gz and NAME_label.nii.gz; with the LPS affine the arrays are flipped
    so that the anatomy stays where it is."""
    image, labels = phantom(seed)
    if affine is LPS:
        image, labels = image[::-1, ::-1], labels[::-1, ::-1]
    paths = folder / f"{name}_image.nii.gz", folder / f"{name}_label.nii.gz"
    nib.save(nib.Nifti1Image(np.ascontiguousarray(image), affine), paths[0])
    nib.save(nib.Nifti1Image(np.ascontiguousarray(labels), affine), paths[1])
    return paths


def small_weights(folder: pathlib.Path, input_size: str | None) -> pathlib.Path:
    """The small 'uneven' test network as safetensors, declaring an input size in its metadata."""
    from safetensors.numpy import load_file, save_file

    from conftest import FIXTURES

    tensors = load_file(str(FIXTURES / "uneven" / "weights.safetensors"))
    path = folder / f"weights_{input_size}.safetensors"
    save_file(tensors, str(path), metadata=None if input_size is None else {"uvseg.input_size": input_size})
    return path
