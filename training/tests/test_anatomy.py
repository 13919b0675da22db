"""The anatomy-like task family: ranges, determinism, a target in every query (none in `passed`
tasks), slices that change smoothly with position, and the sampler's mix."""
import numpy as np
from scipy import ndimage

from uvseg_train.generator import TaskSampler
from uvseg_train.generator.anatomy import Body, _faint, _passed_structure, anatomy_task


def test_images_in_range_and_labels_binary():
    images, labels = anatomy_task(np.random.default_rng(3), 128, 5, 2)
    assert len(images) == len(labels) == 7
    for image, label in zip(images, labels):
        assert image.shape == label.shape == (128, 128)
        assert image.dtype == np.float32 and 0 <= image.min() and image.max() <= 1 and image.std() > 0.01
        assert set(np.unique(label)) <= {0.0, 1.0}


def test_same_seed_same_task():
    a = anatomy_task(np.random.default_rng([5, 1]), 96, 3, 1)
    b = anatomy_task(np.random.default_rng([5, 1]), 96, 3, 1)
    c = anatomy_task(np.random.default_rng([5, 2]), 96, 3, 1)
    assert all(np.array_equal(x, y) for x, y in zip(a[0] + a[1], b[0] + b[1]))
    assert not np.array_equal(a[0][-1], c[0][-1])


def test_the_query_holds_the_target_and_the_support_mostly_does():
    rng = np.random.default_rng(11)
    in_query, in_support = 0, 0
    for _ in range(40):
        _, labels = anatomy_task(rng, 64, 4, 1)
        in_query += labels[-1].any()
        in_support += np.mean([lab.any() for lab in labels[:-1]])
    assert in_query == 40
    assert in_support / 40 > 0.8


def test_slices_change_smoothly_with_position():
    def dice(a, b):
        return 2 * np.sum(a & b) / max(1, a.sum() + b.sum())
    near, far = [], []
    for seed in range(10):
        body = Body(np.random.default_rng(seed), 96)
        a, b, c = body.labels(0.0), body.labels(0.05), body.labels(0.9)
        inner_a, inner_b, inner_c = a >= 2, b >= 2, c >= 2
        near.append(dice(inner_a, inner_b))
        far.append(dice(inner_a, inner_c))
    assert np.mean(near) > 0.9 and np.mean(near) > np.mean(far) + 0.1


def test_the_mix_chooses_the_families():
    only = TaskSampler(64, mix={"regions": 0, "objects": 0, "phantom": 0, "anatomy": 1})
    never = TaskSampler(64, mix={"anatomy": 0})
    rng = np.random.default_rng(0)
    assert {only.sample(rng, 2).family for _ in range(5)} == {"anatomy"}
    assert "anatomy" not in {never.sample(rng, 2).family for _ in range(20)}


def test_a_flat_cut_is_the_slice_and_a_tilted_one_moves_across_the_image():
    def dice(a, b):
        return 2 * np.sum(a & b) / max(1, a.sum() + b.sum())
    flat, low_side, high_side = [], [], []
    for seed in range(10):
        body = Body(np.random.default_rng(seed), 96)
        assert np.array_equal(body.labels(body.plane(0.2, 0.0, 1.0)), body.labels(0.2))
        cut = body.labels(body.plane(0.0, 30.0, 0.0))  # positions rise with the row
        top, bottom = slice(0, 30), slice(66, 96)
        low, high = body.labels(-0.4) >= 2, body.labels(0.4) >= 2
        flat.append(dice((body.labels(0.0) >= 2)[top], (cut >= 2)[top]))
        low_side.append(dice(low[top], (cut >= 2)[top]) - dice(high[top], (cut >= 2)[top]))
        high_side.append(dice(high[bottom], (cut >= 2)[bottom]) - dice(low[bottom], (cut >= 2)[bottom]))
    assert np.mean(low_side) > 0.05 and np.mean(high_side) > 0.05
    assert np.mean(flat) < 0.98  # the tilt changed the cut


def test_another_patient_shares_the_structure_not_the_folds():
    def dice(a, b):
        return 2 * np.sum(a & b) / max(1, a.sum() + b.sum())
    same, other = [], []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        body = Body(rng, 96)
        patient = body.other_patient(rng)
        assert patient.label_count == body.label_count and len(patient.layers) == len(body.layers)
        mine = body.labels(0.0)
        same.append(dice(mine >= 2, body.labels(0.0) >= 2))
        other.append(dice(mine >= 2, patient.labels(0.0) >= 2))
    assert np.mean(same) == 1 and 0.6 < np.mean(other) < 0.98


def test_unaligned_tasks_are_deterministic_and_hold_their_target():
    sampler = TaskSampler(64, mix={"regions": 0, "objects": 0, "phantom": 0, "unaligned": 1})
    a = sampler.sample(np.random.default_rng(4), 3)
    b = sampler.sample(np.random.default_rng(4), 3)
    assert a.family == "unaligned"
    assert np.array_equal(a.query_images, b.query_images) and np.array_equal(a.support_labels, b.support_labels)
    assert a.query_labels.any()


def test_passed_tasks_show_the_target_in_the_support_and_none_in_the_query():
    sampler = TaskSampler(64, mix={"regions": 0, "objects": 0, "phantom": 0, "passed": 1})
    rng = np.random.default_rng(9)
    shown = []
    for _ in range(12):
        task = sampler.sample(rng, 3)
        assert task.family == "passed" and not task.query_labels.any()
        shown.append(task.support_labels.reshape(3, -1).any(axis=1).mean())
    assert np.mean(shown) > 0.9
    again = sampler.sample(np.random.default_rng(9), 3)
    first = sampler.sample(np.random.default_rng(9), 3)
    assert np.array_equal(again.support_images, first.support_images)


def test_a_structure_of_limited_length_ends_and_others_do_not_change():
    for seed in range(5):
        body = Body(np.random.default_rng(seed), 64)
        before = [body.labels(z) for z in (-0.5, 0.0, 0.5)]
        target, (centre, half) = _passed_structure(np.random.default_rng(seed), body, [0.5])
        label = int(target[0])
        assert abs(centre - 0.5) > half  # it ends before the query's position
        assert not (body.labels(0.5) == label).any() and (body.labels(centre) == label).any()
        # the other structures are where they were, except where the new one covers them
        for z, old in zip((-0.5, 0.0, 0.5), before):
            new = body.labels(z)
            assert np.array_equal(new[new != label], old[new != label])


def test_edges_tasks_move_every_label_edge_by_one_amount():
    moved_per_task = []
    for seed in range(12):
        plain_images, plain = anatomy_task(np.random.default_rng([9, seed]), 128, 3, 1)
        images, moved = anatomy_task(np.random.default_rng([9, seed]), 128, 3, 1, moved_edges=True)
        assert all(np.array_equal(a, b) for a, b in zip(plain_images, images))  # only labels change
        change = [float(m.sum() - p.sum()) for m, p in zip(moved, plain) if p.any()]
        # one convention per task: every label grows, or every label shrinks, or none changes
        assert all(c > 0 for c in change) or all(c < 0 for c in change) or not any(change)
        assert all(m.sum() >= 0.5 * p.sum() for m, p in zip(moved, plain))
        moved_per_task.append(np.sign(change[0]))
    assert {1, -1} <= set(moved_per_task)  # conventions both ways across tasks


def test_the_edges_family_is_drawn_by_its_name_and_is_deterministic():
    sampler = TaskSampler(64, mix={"regions": 0, "objects": 0, "phantom": 0, "edges": 1})
    a, b = sampler.sample(np.random.default_rng(6), 3), sampler.sample(np.random.default_rng(6), 3)
    assert a.family == "edges" and a.query_labels.any()
    assert np.array_equal(a.support_labels, b.support_labels) and np.array_equal(a.query_images, b.query_images)


def test_a_faint_body_keeps_the_order_of_its_labels_closer_together():
    means = np.array([0.05, 0.9, 0.3, 0.6, 0.75])
    faint = _faint(np.random.default_rng(2), means, np.array([3]))
    assert faint[0] == means[0] and faint[3] == means[3]  # the outside and the target stay
    assert np.array_equal(np.argsort(faint[1:]), np.argsort(means[1:]))
    share = (faint[1:] - means[3]) / (means[1:] - means[3] + 1e-12)
    assert np.all((share[[0, 1, 3]] >= 0.15) & (share[[0, 1, 3]] <= 0.5))
    assert np.allclose(share[[0, 1, 3]], share[0])  # one share for the task


def test_faint_tasks_show_the_target_less_apart_from_what_borders_it():
    def contrast(image, label):
        border = ndimage.binary_dilation(label > 0, iterations=3) & (label == 0)
        return abs(float(np.median(image[label > 0])) - float(np.median(image[border])))

    plain, faint = [], []
    for seed in range(16):
        for flag, out in ((False, plain), (True, faint)):
            images, labels = anatomy_task(np.random.default_rng([4, seed]), 96, 2, 1, faint=flag)
            out.append(contrast(images[-1], labels[-1]))
    assert np.median(faint) < 0.6 * np.median(plain)


def test_the_faint_family_is_drawn_by_its_name_and_takes_several_targets():
    sampler = TaskSampler(64, mix={"regions": 0, "objects": 0, "phantom": 0, "faint": 1})
    a, b = sampler.sample(np.random.default_rng(6), 3), sampler.sample(np.random.default_rng(6), 3)
    assert a.family == "faint" and a.query_labels.any()
    assert np.array_equal(a.query_images, b.query_images)
    several = sampler.sample(np.random.default_rng(6), 3, targets=2)
    assert several.family == "faint" and several.query_labels.shape == (1, 2, 64, 64)
