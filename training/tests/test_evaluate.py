"""evaluate.py's generated tasks, split by where the target shows."""
import evaluate
import torch


def test_tasks_are_told_apart_by_where_the_target_shows():
    def marks_nothing(query, support_images, support_labels):
        return torch.full_like(query, -5.0)

    report = evaluate.generated(marks_nothing, 64, 24, families=("phantom",), support_sizes=(1,))
    kinds = report[1]["by_kind"]["phantom"]
    assert sum(k["tasks"] for k in kinds.values()) == 24
    # at S = 1 phantom slices are drawn anywhere in the volume: every kind turns up
    assert all(k["tasks"] > 0 for k in kinds.values())
    # an empty answer is right exactly where the query has no target
    assert kinds["query without target"]["dice"] == 1.0
    assert kinds["both show target"]["dice"] == 0.0
    weighted = sum(k["tasks"] * k["dice"] for k in kinds.values()) / 24
    assert abs(weighted - report[1]["phantom"]) < 1e-6


def test_tasks_of_another_size_reach_the_model_as_uvseg_resizes_them():
    seen = []

    def copies_first_support_label(query, support_images, support_labels):
        seen.append((query.shape[-1], support_images.shape[-1], support_labels.shape[-1]))
        return (support_labels[:, 0] - 0.5) * 20

    direct = evaluate.generated(copies_first_support_label, 64, 16, families=("regions",), support_sizes=(4,))
    resized = evaluate.generated(evaluate.at_task_size(copies_first_support_label, 128), 64, 16,
                                 families=("regions",), support_sizes=(4,))
    assert seen[0] == (64, 64, 64) and seen[-1] == (128, 128, 128)
    # labels doubled by nearest neighbour and the answer halved bilinearly come back exactly
    assert abs(resized[4]["regions"] - direct[4]["regions"]) < 1e-6
    assert direct[4]["regions"] < 0.99  # the first support label is not the query's
