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
