"""uvseg.segment: the same label map as the `uvseg segment` command, any volume-like input,
settings passed to the library, progress and cancellation."""
import subprocess

import nibabel as nib
import numpy as np
import pytest

import uvseg
from conftest import COMMAND, WEIGHTS

# The network on the support as stored, small: what most tests here check.
QUICK = dict(align="none", method="network", support_size=3, input_size=32)


@pytest.mark.parametrize("nifti_version", [1, 2])
def test_the_files_equal_the_commands(model, cases, tmp_path, nifti_version):
    """The package (through the C API) and the command write byte-identical label and probability
    files, in the query's NIfTI version."""
    (query, truth), *support = cases
    if nifti_version == 2:
        source = nib.load(query)
        query = tmp_path / "query2.nii"
        nib.save(nib.Nifti2Image(np.asanyarray(source.dataobj), source.affine), query)
    result = uvseg.segment(model, query, [image for image, _ in support], [labels for _, labels in support],
                           support_size=3)
    result.write_label_map(tmp_path / "python.nii")
    result.write_probabilities(tmp_path / "python_p.nii")
    command = [str(COMMAND), "segment", "--weights", str(WEIGHTS), "--query", str(query), "--support-size", "3",
               "--out", str(tmp_path / "command.nii"), "--probabilities", str(tmp_path / "command_p.nii"),
               "--quiet"] + [argument for image, labels in support for argument in ("--support", f"{image}:{labels}")]
    completed = subprocess.run(command, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    for ours, theirs in [("python.nii", "command.nii"), ("python_p.nii", "command_p.nii")]:
        assert (tmp_path / ours).read_bytes() == (tmp_path / theirs).read_bytes(), ours
        assert nib.load(tmp_path / ours).header["sizeof_hdr"] == (348 if nifti_version == 1 else 540)
    written = nib.load(tmp_path / "python.nii")
    np.testing.assert_array_equal(written.affine, nib.load(query).affine)
    assert result.labels == (1, 2)
    assert written.shape == result.label_map.shape == result.probabilities[2].shape


def test_paths_nibabel_images_and_volumes_are_interchangeable(model, cases):
    (query, _), *support = cases
    images = [image for image, _ in support]
    label_maps = [labels for _, labels in support]
    from_paths = uvseg.segment(model, query, images, label_maps, labels=[1], **QUICK)
    from_objects = uvseg.segment(model, nib.load(query), [uvseg.Volume.read(path) for path in images],
                                 [nib.load(path) for path in label_maps], labels=[1], **QUICK)
    np.testing.assert_array_equal(from_paths.label_map.to_numpy(), from_objects.label_map.to_numpy())
    assert from_paths.labels == (1,)


def test_settings_reach_the_library(model, cases):
    (query, _), *support = cases
    images, label_maps = [image for image, _ in support], [labels for _, labels in support]
    with pytest.raises(uvseg.InvalidArgumentError, match="support size|at least 1"):
        uvseg.segment(model, query, images, label_maps, support_size=0)
    with pytest.raises(uvseg.InvalidArgumentError, match="7"):
        uvseg.segment(model, query, images, label_maps, labels=[7], **QUICK)
    with pytest.raises(ValueError, match="plane must be one of"):
        uvseg.segment(model, query, images, label_maps, plane="oblique")
    with pytest.raises(ValueError, match="2 support images but 1 label maps"):
        uvseg.segment(model, query, images, label_maps[:1])
    fused = uvseg.segment(model, query, images, label_maps, plane="all", labels=[1], **QUICK)
    axial = uvseg.segment(model, query, images, label_maps, plane="axial", labels=[1], **QUICK)
    assert not np.array_equal(fused.probabilities[1].to_numpy(), axial.probabilities[1].to_numpy())
    # The default, "auto": these cases' 3 mm slices make coronal and sagittal pixels 2.5-3 times
    # as long as wide, so only the axial plane is segmented.
    automatic = uvseg.segment(model, query, images, label_maps, labels=[1], **QUICK)
    np.testing.assert_array_equal(automatic.probabilities[1].to_numpy(), axial.probabilities[1].to_numpy())


@pytest.fixture
def biased_query(cases, tmp_path):
    """The first case's query under a strong left-right intensity field."""
    source = nib.load(cases[0][0])
    field = np.exp(np.linspace(-0.6, 0.6, source.shape[0]))[:, None, None].astype(np.float32)
    biased = tmp_path / "biased.nii.gz"
    nib.save(nib.Nifti1Image(np.asanyarray(source.dataobj) * field, source.affine), biased)
    return biased


def test_bias_correction_is_on_by_default_and_never_with_a_ct_window(model, cases, biased_query):
    """Correcting the field changes what the network and the alignment read; with a CT window the
    setting changes nothing."""
    _, *support = cases
    images, label_maps = [image for image, _ in support], [labels for _, labels in support]
    biased = biased_query

    def probabilities(**settings):
        return uvseg.segment(model, biased, images, label_maps, labels=[1], **QUICK,
                             **settings).probabilities[1].to_numpy()

    default, on, off = probabilities(), probabilities(bias_correction=True), probabilities(bias_correction=False)
    np.testing.assert_array_equal(default, on)
    assert np.abs(on - off).max() > 1e-3
    # registration and the atlas's fusion weights read the corrected volumes too
    atlas = dict(align="affine", method="atlas", labels=[1])
    on, off = (uvseg.segment(model, biased, images, label_maps, bias_correction=setting, **atlas)
               .probabilities[1].to_numpy() for setting in (True, False))
    assert np.abs(on - off).max() > 1e-3
    window = dict(ct_window=(100.0, 200.0))
    np.testing.assert_array_equal(probabilities(bias_correction=True, **window),
                                  probabilities(bias_correction=False, **window))


@pytest.mark.parametrize("flag, setting_name", [("--no-bias-correction", "bias_correction"),
                                                ("--no-intensity-refinement", "intensity_refinement")])
def test_the_commands_flags_are_the_settings(model, cases, biased_query, tmp_path, flag, setting_name):
    """`--no-bias-correction` is bias_correction=False, `--no-intensity-refinement`
    intensity_refinement=False, and the defaults are True."""
    _, *support = cases
    query = biased_query
    images, label_maps = [image for image, _ in support], [labels for _, labels in support]
    written = []
    for flag, setting in [([], True), ([flag], False)]:
        out = tmp_path / f"command{len(flag)}.nii"
        command = [str(COMMAND), "segment", "--weights", str(WEIGHTS), "--query", str(query), "--align", "none",
                   "--method", "network", "--support-size", "3", "--labels", "1", "--out", str(tmp_path / "l.nii"),
                   "--probabilities", str(out), "--quiet", *flag]
        command += [argument for image, labels in support for argument in ("--support", f"{image}:{labels}")]
        completed = subprocess.run(command, capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr
        ours = uvseg.segment(model, query, images, label_maps, align="none", method="network", support_size=3,
                             labels=[1], **{setting_name: setting})
        written.append(np.asanyarray(nib.load(out).dataobj))
        np.testing.assert_array_equal(written[-1], ours.probabilities[1].to_numpy())
    assert not np.array_equal(*written)


def test_refinement_is_on_by_default_and_decides_against_background(model, cases):
    """Refined probabilities share one distribution with background and give the label map (the
    most probable of background and the labels); unrefined, the label map is the most probable
    label above one half."""
    (query, _), *support = cases
    images, label_maps = [image for image, _ in support], [labels for _, labels in support]

    def run(**settings):
        result = uvseg.segment(model, query, images, label_maps, **QUICK, **settings)
        return result.label_map.to_numpy(), np.stack([result.probabilities[label].to_numpy()
                                                      for label in result.labels])

    (default_map, default), (on_map, on), (off_map, off) = (
        run(), run(intensity_refinement=True), run(intensity_refinement=False))
    np.testing.assert_array_equal(default, on)
    assert np.abs(on - off).max() > 1e-3
    assert on.min() >= 0 and on.sum(axis=0).max() <= 1 + 1e-5
    np.testing.assert_array_equal(on_map, np.concatenate([1 - on.sum(axis=0, keepdims=True), on]).argmax(axis=0))
    np.testing.assert_array_equal(off_map, np.where(off.max(axis=0) > 0.5, off.argmax(axis=0) + 1, 0))
    assert not np.array_equal(on_map, off_map)


def test_progress_is_reported_and_can_cancel(model, cases):
    (query, _), *support = cases
    images, label_maps = [image for image, _ in support], [labels for _, labels in support]
    seen = []
    uvseg.segment(model, query, images, label_maps, labels=[1], progress=lambda *report: seen.append(report), **QUICK)
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"preparing", "segmenting"} <= {stage for _, stage in seen}

    with pytest.raises(uvseg.CancelledError):
        uvseg.segment(model, query, images, label_maps, progress=lambda fraction, stage: fraction > 0.2, **QUICK)

    class Stop(Exception):
        pass

    def fail(fraction, stage):
        raise Stop(stage)

    with pytest.raises(Stop) as caught:
        uvseg.segment(model, query, images, label_maps, progress=fail, **QUICK)
    assert isinstance(caught.value.__cause__, uvseg.CancelledError)


def test_a_result_is_never_written_over_its_query(model, cases, tmp_path):
    query = tmp_path / "query.nii.gz"
    query.write_bytes(cases[2][0].read_bytes())
    before = query.read_bytes()
    result = uvseg.segment(model, query, [cases[0][0]], [cases[0][1]], support_size=4)
    with pytest.raises(uvseg.InvalidArgumentError, match="read from"):
        result.write_label_map(query)
    with pytest.raises(uvseg.InvalidArgumentError, match="read from"):
        result.write_probabilities(query)
    assert query.read_bytes() == before
    result.write_label_map(tmp_path / "labels.nii.gz")
    assert nib.load(tmp_path / "labels.nii.gz").shape == nib.load(query).shape


def test_alignment_and_method_reach_the_library(model, cases):
    """The defaults align each support volume and report how well; atlas propagation without
    alignment copies the labels of a support volume given as its own query; bad names are refused."""
    (query, truth), *support = cases
    images, label_maps = [image for image, _ in support], [labels for _, labels in support]
    aligned = uvseg.segment(model, query, images[:2], label_maps[:2])
    assert len(aligned.alignments) == 2
    for alignment in aligned.alignments:
        assert 0 <= alignment.affine_similarity <= 1 and uvseg.POOR_SIMILARITY < alignment.similarity <= 1
    assert uvseg.segment(model, query, images, label_maps, **QUICK).alignments == []
    copied = uvseg.segment(model, images[0], images[:1], label_maps[:1], align="none", method="atlas")
    np.testing.assert_array_equal(copied.label_map.to_numpy(), np.asanyarray(nib.load(label_maps[0]).dataobj))
    # Each method's own probabilities, unrefined: fused is the mean of the other two.
    small = dict(support_size=QUICK["support_size"], input_size=QUICK["input_size"], intensity_refinement=False)
    fused = uvseg.segment(model, query, images[:1], label_maps[:1], align="affine", method="fused", **small)
    network = uvseg.segment(model, query, images[:1], label_maps[:1], align="affine", method="network", **small)
    atlas = uvseg.segment(model, query, images[:1], label_maps[:1], align="affine", method="atlas",
                          intensity_refinement=False)
    np.testing.assert_allclose(fused.probabilities[1].to_numpy(),
                               (network.probabilities[1].to_numpy() + atlas.probabilities[1].to_numpy()) / 2,
                               atol=1e-6)
    for name, value in (("align", "rigid"), ("method", "ensemble"), ("fusion", "mean")):
        with pytest.raises(ValueError, match=f"{name} must be one of"):
            uvseg.segment(model, query, images, label_maps, **{name: value})
