"""uvseg.segment_cohort: the same label maps as `uvseg segment --query-dir`, in this process and on a
local Dask cluster of two worker processes; a damaged study is a failed record, not a failed run;
a second run skips what is done."""
import shutil
import subprocess

import nibabel as nib
import numpy as np
import pytest

import uvseg
from conftest import COMMAND, WEIGHTS, phantom

SETTINGS = {"support_size": 4, "plane": "all"}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory, cases):
    """Three studies (the third damaged) in a folder, and the command's label maps of them."""
    folder = tmp_path_factory.mktemp("cohort")
    studies = folder / "studies"
    studies.mkdir()
    rng = np.random.default_rng(11)
    for number, affine in enumerate([np.diag([1.0, 1.2, 3.0, 1.0]), np.diag([-1.0, -1.2, 3.0, 1.0])]):
        image, _ = phantom(rng)
        nib.save(nib.Nifti1Image(image, affine), studies / f"study{number}.nii.gz")
    (studies / "study2.nii.gz").write_bytes((studies / "study0.nii.gz").read_bytes()[:200])
    arguments = [COMMAND, "segment", "--query-dir", studies, "--out-dir", folder / "command", "--weights", WEIGHTS,
                 "--support-size", "4", "--plane", "all", "--quiet"]
    for image, labels in cases[:2]:
        arguments += ["--support", f"{image}:{labels}"]
    result = subprocess.run([str(a) for a in arguments], capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr  # the damaged study fails; the others are written
    return folder, sorted(studies.iterdir()), [image for image, _ in cases[:2]], [labels for _, labels in cases[:2]]


def labels_of(path):
    return np.asarray(nib.load(path).dataobj)


def check_records(records, studies, out):
    assert [r["query"] for r in records] == [str(s) for s in studies]
    assert [r["status"] for r in records] == ["ok", "ok", "failed"]
    assert records[2]["error"] and "truncated" in records[2]["error"]
    for record, study in zip(records[:2], studies):
        assert record["output"] == str(out / study.name) and record["seconds"] > 0
        assert np.array_equal(labels_of(record["output"]), labels_of(out.parent / "command" / study.name))
    assert not (out / studies[2].name).exists()


def test_in_process_matches_the_command_and_resumes(cohort):
    folder, studies, images, labels = cohort
    out = folder / "local"
    records = uvseg.segment_cohort(studies, images, labels, out, weights=WEIGHTS, **SETTINGS)
    check_records(records, studies, out)
    again = uvseg.segment_cohort(studies, images, labels, out, weights=WEIGHTS, **SETTINGS)
    assert [r["status"] for r in again] == ["skipped", "skipped", "failed"]


def test_studies_side_by_side_in_process_match_the_command(cohort):
    folder, studies, images, labels = cohort
    out = folder / "jobs"
    records = uvseg.segment_cohort(studies, images, labels, out, jobs=3, weights=WEIGHTS, **SETTINGS)
    check_records(records, studies, out)


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True])
def test_jobs_below_one_or_not_whole_are_refused_before_any_work(cohort, tmp_path, jobs):
    folder, studies, images, labels = cohort
    with pytest.raises(ValueError, match="jobs must be a whole number of at least 1"):
        uvseg.segment_cohort(studies, images, labels, tmp_path / "out", jobs=jobs, weights=WEIGHTS)
    assert not (tmp_path / "out").exists()


def test_jobs_with_a_client_are_refused(cohort, tmp_path):
    folder, studies, images, labels = cohort
    with pytest.raises(ValueError, match="with a client, its workers run the studies side by side"):
        uvseg.segment_cohort(studies, images, labels, tmp_path / "out", client=object(), jobs=2, weights=WEIGHTS)
    assert not (tmp_path / "out").exists()


def test_on_a_local_dask_cluster_matches_the_command(cohort):
    distributed = pytest.importorskip("distributed")
    folder, studies, images, labels = cohort
    out = folder / "dask"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        records = uvseg.segment_cohort(studies, images, labels, out, client=client, weights=WEIGHTS, **SETTINGS)
    check_records(records, studies, out)


def test_an_output_that_would_replace_an_input_is_refused(cohort, tmp_path):
    folder, studies, images, labels = cohort
    shutil.copy(studies[0], tmp_path / studies[0].name)
    with pytest.raises(ValueError, match="would replace the input"):
        uvseg.segment_cohort([tmp_path / studies[0].name], images, labels, tmp_path, weights=WEIGHTS)
