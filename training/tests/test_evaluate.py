"""evaluate.py's generated tasks, split by where the target shows."""
import evaluate
import pytest
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


def test_the_decision_gives_each_pixel_to_the_highest_positive_target():
    # two tasks of three targets, four pixels each: [N = 6, 1, 1, 4]
    outputs = torch.tensor([[2.0, -1.0, 0.5, -3.0], [1.0, 3.0, 0.5, -2.0], [-1.0, 0.0, 0.5, -1.0],
                            [-1.0, -1.0, -1.0, 4.0], [-2.0, 1.0, -1.0, 4.0], [-3.0, -1.0, 2.0, 5.0]]).view(6, 1, 1, 4)
    won = evaluate.decision(outputs, 3).view(6, 4) > 0
    assert won.tolist() == [[True, False, True, False], [False, True, False, False], [False] * 4,
                            [False] * 4, [False, True, False, False], [False, False, True, True]]
    # ties go to the first target, as the command's arg-max does
    assert evaluate.decision(torch.ones(2, 1, 1, 1), 2).view(2).tolist() == [1.0, -1.0]


def test_tasks_of_several_targets_are_scored_after_the_decision():
    def marks_everything(query, support_images, support_labels):
        return torch.ones_like(query)

    alone = evaluate.generated(marks_everything, 64, 12, families=("anatomy",), support_sizes=(4,))
    chosen = evaluate.generated(marks_everything, 64, 12, families=("anatomy",), support_sizes=(4,), targets=3)
    kinds = chosen[4]["by_kind"]["anatomy"]
    assert sum(k["tasks"] for k in kinds.values()) == 12
    # every pixel goes to each task's first target: the other two score 0 where they show, so
    # the mean is at most a third, while marking everything scores each target alone above 0
    assert chosen[4]["anatomy"] <= 1 / 3 + 1e-6
    assert alone[4]["anatomy"] > chosen[4]["anatomy"]
    # a task's targets are scored together: items that are not whole tasks are refused
    with pytest.raises(ValueError, match="whole number of tasks of 3 targets"):
        evaluate.generated(marks_everything, 64, 10, families=("anatomy",), support_sizes=(4,), targets=3)
