"""Steps drawn at a coarser size reach the network as uvseg puts a smaller slice on its input."""
import numpy as np
import torch

from uvseg_train import data
from uvseg_train.canvas import resized

MIX = {"regions": 1.0, "objects": 1.0, "phantom": 0.0}


def steps(coarse, coarse_size=0):
    return data.StepBatches(64, 0, 3, 16, 8, 100, MIX, 0.0, coarse, coarse_size)


def blocks_of_two(x: torch.Tensor) -> bool:
    """Whether every 2 x 2 block of the last two axes holds one value (nearest from half the size)."""
    return torch.equal(x, resized(x[..., ::2, ::2], x.shape[-1], "nearest"))


def test_coarse_steps_are_drawn_small_and_put_on_the_native_grid():
    for k in range(6):
        q, si, sl, ql, _ = steps(1.0)[k]
        assert q.shape[-2:] == si.shape[-2:] == sl.shape[-2:] == ql.shape[-2:] == (64, 64)
        # labels doubled by nearest neighbour, still 0 / 1 and not empty
        assert blocks_of_two(sl) and blocks_of_two(ql)
        assert set(sl.unique().tolist()) == {0.0, 1.0}
        # images doubled bilinearly: smooth, not blocks
        assert not blocks_of_two(q) and not blocks_of_two(si)
        # a native step's labels are not blocks of two
        _, _, native_sl, _, _ = steps(0.0)[k]
        assert not blocks_of_two(native_sl)


def test_a_coarse_size_of_a_quarter_gives_blocks_of_four():
    _, _, sl, ql, _ = steps(1.0, 16)[0]
    assert sl.shape[-1] == 64
    assert torch.equal(sl, resized(sl[..., 2::4, 2::4], 64, "nearest"))


def test_coarse_steps_come_only_when_asked_for_and_at_their_share():
    plain = data.StepBatches(64, 0, 3, 16, 8, 100, MIX)[4]
    again = steps(0.0)[4]
    assert all(torch.equal(a, b) for a, b in zip(plain[:4], again[:4]))
    share = np.mean([blocks_of_two(steps(0.3)[k][2]) for k in range(40)])
    assert 0.1 < share < 0.5
