"""The real brain the cases are made from: the MNI ICBM152 2009a symmetric template (T1) and its
grey- and white-matter probability maps, as nilearn ships them inside its package (1 mm,
197 x 233 x 189, skull-stripped). The files are read straight from the installed package with
nibabel: importing nilearn itself would need pandas, scikit-learn and more, and nothing of it
is used."""

import importlib.util
from pathlib import Path

import nibabel as nib
import numpy as np

FILES = {
    "t1": "mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz",
    "gm": "mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz",
    "wm": "mni_icbm152_wm_tal_nlin_sym_09a_converted.nii.gz",
}
WHITE_MATTER = 1
GREY_MATTER = 2
# A voxel is tissue when its white- and grey-matter probabilities add up to at least this.
TISSUE_THRESHOLD = 0.5


def nilearn_data_folder():
    """nilearn's datasets/data folder, found without importing nilearn."""
    spec = importlib.util.find_spec("nilearn")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nilearn is not installed: pip install --no-deps nilearn")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data"


def load_template(folder=None):
    """(t1, gm, wm, affine): float32 arrays, the T1 in its stored 0-255 scale, the probabilities in
    [0, 1], all on the template's 1 mm grid."""
    folder = Path(folder) if folder else nilearn_data_folder()
    volumes = {}
    affine = None
    for name, file in FILES.items():
        path = folder / file
        if not path.exists():
            raise SystemExit(f"{path} is missing: is this nilearn's datasets/data folder?")
        image = nib.load(path)
        if affine is not None and not np.allclose(image.affine, affine):
            raise SystemExit(f"{path} is not on the T1's grid")
        affine = image.affine
        volumes[name] = np.asarray(image.dataobj, dtype=np.float32)
    return (volumes["t1"], volumes["gm"] / 255.0, volumes["wm"] / 255.0, affine)


def tissue_labels(gm, wm):
    """White matter 1, grey matter 2, background 0: tissue where gm + wm reaches TISSUE_THRESHOLD,
    then the more probable of the two (white matter on ties)."""
    labels = np.zeros(np.shape(gm), dtype=np.uint8)
    tissue = (np.asarray(gm) + np.asarray(wm)) >= TISSUE_THRESHOLD
    labels[tissue & (wm >= gm)] = WHITE_MATTER
    labels[tissue & (gm > wm)] = GREY_MATTER
    return labels
