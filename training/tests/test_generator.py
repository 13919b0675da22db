"""The task generator: shapes, value ranges, determinism, every family, and held-out separation."""
import numpy as np
import pytest

from uvseg_train import data
from uvseg_train.generator import TaskSampler
from uvseg_train.generator.phantoms import PhantomBank
from uvseg_train.generator.tasks import FAMILIES


@pytest.fixture(scope="module")
def sampler():
    return TaskSampler(32 * 2, PhantomBank(3, data.TRAIN_PHANTOM_SEED))


@pytest.mark.parametrize("family", FAMILIES)
def test_task_shapes_and_ranges(sampler, family):
    task = sampler.sample(np.random.default_rng(1), support=5, queries=2, family=family)
    assert task.support_images.shape == (5, 64, 64) and task.query_labels.shape == (2, 64, 64)
    for images in (task.support_images, task.query_images):
        assert images.dtype == np.float32 and images.min() >= 0 and images.max() <= 1
        assert images.std() > 0.01
    labels = np.concatenate([task.support_labels, task.query_labels])
    assert set(np.unique(labels)) <= {0.0, 1.0}
    assert labels.any(), "a task whose label is empty everywhere teaches nothing"


def test_same_seed_same_task(sampler):
    a = sampler.sample(np.random.default_rng([7, 3]), 4)
    b = sampler.sample(np.random.default_rng([7, 3]), 4)
    c = sampler.sample(np.random.default_rng([7, 4]), 4)
    assert np.array_equal(a.query_images, b.query_images) and np.array_equal(a.support_labels, b.support_labels)
    assert not np.array_equal(a.query_images, c.query_images)


def test_labels_follow_a_shared_rule_not_noise(sampler):
    """Within a regions task the target keeps one intensity: its mean differs from the rest's in
    the same direction in every image."""
    task = sampler.sample(np.random.default_rng(11), 8, family="regions")
    signs = [np.sign(img[lab > 0].mean() - img[lab == 0].mean())
             for img, lab in zip(task.support_images, task.support_labels) if 0 < lab.mean() < 1]
    assert len(signs) >= 4 and abs(sum(signs)) == len(signs)


def test_heldout_phantoms_differ_from_training_and_demo():
    with pytest.raises(ValueError):
        PhantomBank(2, 20260)  # the demo data's seeds
    a, b = PhantomBank(1, data.TRAIN_PHANTOM_SEED), PhantomBank(1, data.HELDOUT_PHANTOM_SEED)
    assert not np.array_equal(a.labels[0], b.labels[0])
