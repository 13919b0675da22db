"""Tasks with several disjoint targets and the loss of the choice between them."""
import numpy as np
import pytest
import torch

from uvseg_train import data
from uvseg_train.generator import TaskSampler
from uvseg_train.generator.anatomy import Body, _disjoint_targets, _means, anatomy_task
from uvseg_train.generator.tasks import SEVERAL_TARGET_FAMILIES

MIX = data.parse_mix("anatomy=0.5,unaligned=0.2,regions=0.1,objects=0.1,phantom=0.1")


@pytest.mark.parametrize("count", [2, 3])
def test_targets_are_disjoint_and_in_the_query(count):
    shown = []
    for seed in range(12):
        images, labels = anatomy_task(np.random.default_rng([4, seed]), 96, 3, 1, targets=count)
        assert all(label.shape == (count, 96, 96) for label in labels)
        assert all(label.sum(0).max() <= 1 for label in labels)  # no pixel in two targets
        shown.append(labels[-1].reshape(count, -1).any(1).mean())
    assert np.mean(shown) > 0.9


def test_a_layer_and_what_it_holds_are_the_commonest_pair():
    nested = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        body = Body(rng, 96)
        targets = _disjoint_targets(rng, body, [body.labels(0.0)], 3)
        assert len(targets) == 3 and len(np.unique(np.concatenate(targets))) == sum(map(len, targets))
        layer = int(targets[0][0])
        nested += len(targets[1]) > 1 and np.array_equal(targets[1], np.arange(layer + 1, body.label_count))
    assert 8 < nested < 28


def test_every_target_differs_from_what_surrounds_it():
    separated = []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        first, others = np.array([3]), [np.array([2]), np.array([4, 5])]
        means = _means(rng, 6, first, others=others)
        untargeted = np.array([0, 1])
        separated.append(np.abs(means[untargeted] - means[3]).min() >= 0.1)
        for target in [first] + others:
            outside = np.setdiff1d(np.arange(6), target)
            separated.append(np.abs(means[outside] - means[target[0]]).min() >= 0.05)
    assert np.mean(separated) > 0.97


def test_the_sampler_draws_only_families_that_have_several_targets():
    sampler = TaskSampler(64, mix=MIX)
    for seed in range(8):  # several orientations: labels turn with their images
        task = sampler.sample(np.random.default_rng(seed), 3, targets=2)
        assert task.family in SEVERAL_TARGET_FAMILIES
        assert task.support_labels.shape == (3, 2, 64, 64) and task.query_labels.shape == (1, 2, 64, 64)
    with pytest.raises(ValueError, match="one target"):
        sampler.sample(np.random.default_rng(0), 3, family="regions", targets=2)
    with pytest.raises(ValueError, match="several targets"):
        anatomy_task(np.random.default_rng(0), 64, 3, 1, passed=True, targets=2)
    # a mix without those families cannot give such tasks, though it may be asked for them by name
    plain = TaskSampler(64, mix={"regions": 1.0, "objects": 1.0, "phantom": 0.0})
    with pytest.raises(ValueError, match="no weight"):
        plain.sample(np.random.default_rng(0), 3, targets=2)
    assert plain.sample(np.random.default_rng(0), 3, family="unaligned", targets=2).family == "unaligned"


def test_a_batch_gives_each_target_its_own_item_of_the_same_images():
    sampler = TaskSampler(64, mix=MIX)
    q, si, sl, ql = data.batch(sampler, np.random.default_rng(2), 2, 4, targets=3)
    assert q.shape == (6, 1, 64, 64) and si.shape == sl.shape == (6, 4, 1, 64, 64) and ql.shape == q.shape
    task = sampler.sample(np.random.default_rng(2), 4, 1, None, 3)  # the batch's first task
    for t in range(3):
        assert torch.equal(q[t], q[0]) and torch.equal(si[t], si[0])
        assert np.array_equal(sl[t, :, 0].numpy(), task.support_labels[:, t])
        assert np.array_equal(ql[t, 0].numpy(), task.query_labels[0, t])
    assert not torch.equal(q[3], q[0])
    assert ql.reshape(2, 3, 64, 64).sum(1).max() <= 1


def test_steps_with_several_targets_come_only_when_asked_for():
    def targets(several):
        steps = data.StepBatches(64, 0, 5, 16, 8, 100, {**MIX, "phantom": 0}, several)
        return [steps[k][-1] for k in range(8)]
    assert targets(0.0) == [1] * 8
    assert set(targets(1.0)) <= {2, 3}
    plain = data.StepBatches(64, 0, 5, 16, 8, 100, {**MIX, "phantom": 0})[3]
    again = data.StepBatches(64, 0, 5, 16, 8, 100, {**MIX, "phantom": 0}, 0.0)[3]
    assert all(torch.equal(a, b) for a, b in zip(plain[:4], again[:4]))


def test_the_loss_is_the_cross_entropy_of_the_commands_choice():
    rng = np.random.default_rng(0)
    logits = torch.from_numpy(rng.normal(0, 3, (6, 1, 8, 8)).astype(np.float32))
    truth = rng.integers(0, 4, (2, 8, 8))  # 0: background, t: target t of the task's three
    target = torch.from_numpy(np.stack([truth == t for t in (1, 2, 3)], 1).reshape(6, 1, 8, 8).astype(np.float32))
    # reference: background scores 0, target t its logit; -log of the true class's softmax
    scores = np.concatenate([np.zeros((2, 1, 8, 8)), logits.numpy().reshape(2, 3, 8, 8)], 1)
    log_softmax = scores - np.log(np.exp(scores).sum(1, keepdims=True))
    expected = -np.take_along_axis(log_softmax, truth[:, None], 1).mean()
    dice = (1 - data.dice(torch.sigmoid(logits), target)).mean()
    assert torch.allclose(data.segmentation_loss(logits, target, "item", 3) - dice,
                          torch.tensor(expected, dtype=torch.float32), atol=1e-5)
