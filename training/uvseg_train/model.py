"""A batched UniverSeg network for training, with the published tensor names.

The numbers are those of docs/DESIGN.md ("The network"); the forward pass uses two exact rewrites
that make training cheaper (see docs/DESIGN.md, "The exact reformulation"):
- the cross convolution is split into its target half and its support half, so the target half is
  computed once per query instead of once per support member;
- the target stream needs only the mean over members of the support half;
- the last decoder block's support stream is never computed (its output is unused).
`tests/test_model.py` checks that the outputs equal those of the reference implementation.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

Widths = list[tuple[int, int]]


class _Conv(nn.Module):
    """A convolution stored under `<name>.conv` (the published `vmapped.conv` / `out_conv.conv`)."""

    def __init__(self, cin: int, cout: int, k: int):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2)


class _Vmapped(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.vmapped = _Conv(cin, cout, 3)


class _Cross(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.cross_conv = nn.Conv2d(cin, cout, 3, padding=1)


class CrossBlock(nn.Module):
    def __init__(self, target_in: int, support_in: int, cross: int, out: int):
        super().__init__()
        self.target_in = target_in
        self.cross = _Cross(target_in + support_in, cross)
        self.target = _Vmapped(cross, out)
        self.support = _Vmapped(cross, out)

    def forward(self, t: torch.Tensor, u: torch.Tensor, need_support: bool = True):
        """t: [B, Ct, H, W]; u: [B, S, Cs, H, W] -> (t', u' or None)."""
        b, s = u.shape[:2]
        w, bias = self.cross.cross_conv.weight, self.cross.cross_conv.bias
        wt, wu = w[:, : self.target_in], w[:, self.target_in:]
        zt = F.conv2d(t, wt, bias, padding=1)                          # [B, Fc, H, W]
        zu = F.conv2d(u.flatten(0, 1), wu, padding=1)                  # [B*S, Fc, H, W]
        zu = zu.unflatten(0, (b, s))
        t_out = F.leaky_relu(self.target.vmapped.conv(zt + zu.mean(1)), 0.01)
        if not need_support:
            return t_out, None
        z = (zu + zt.unsqueeze(1)).flatten(0, 1)
        u_out = F.leaky_relu(self.support.vmapped.conv(z), 0.01).unflatten(0, (b, s))
        return t_out, u_out


class UniverSeg(nn.Module):
    """UniverSeg with (cross, out) widths per encoder block and, optionally, per decoder block."""

    def __init__(self, encoder: Widths, decoder: Widths | None = None):
        super().__init__()
        if decoder is None:
            decoder = list(reversed(encoder[:-1]))
        self.encoder_widths, self.decoder_widths = list(encoder), list(decoder)
        self.enc_blocks = nn.ModuleList()
        t_in, s_in = 1, 2
        skips = []
        for cross, out in encoder:
            self.enc_blocks.append(CrossBlock(t_in, s_in, cross, out))
            skips.append(out)
            t_in = s_in = out
        self.dec_blocks = nn.ModuleList()
        for (cross, out), skip in zip(decoder, reversed(skips[:-1])):
            self.dec_blocks.append(CrossBlock(t_in + skip, s_in + skip, cross, out))
            t_in = s_in = out
        self.out_conv = _Conv(t_in, 1, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, a=0.01, nonlinearity="leaky_relu")
                nn.init.zeros_(m.bias)

    @staticmethod
    def _up(x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)

    def forward(self, query: torch.Tensor, support_images: torch.Tensor,
                support_labels: torch.Tensor) -> torch.Tensor:
        """query [B,1,H,W]; support images and labels [B,S,1,H,W] -> logits [B,1,H,W]."""
        t = query
        u = torch.cat([support_images, support_labels], dim=2)
        skips = []
        last = len(self.enc_blocks) - 1
        for i, block in enumerate(self.enc_blocks):
            t, u = block(t, u)
            if i < last:
                skips.append((t, u))
                t = F.max_pool2d(t, 2)
                u = F.max_pool2d(u.flatten(0, 1), 2).unflatten(0, u.shape[:2])
        for j, block in enumerate(self.dec_blocks):
            skip_t, skip_u = skips.pop()
            t = torch.cat([self._up(t), skip_t], dim=1)
            u = torch.cat([self._up(u.flatten(0, 1)).unflatten(0, u.shape[:2]), skip_u], dim=2)
            t, u = block(t, u, need_support=j < len(self.dec_blocks) - 1)
        return self.out_conv.conv(t)


def widths_from_flags(width: int, depth: int) -> Widths:
    """Equal (width, width) pairs for `depth` encoder blocks."""
    return [(width, width)] * depth


def model_from_state_dict(state: dict[str, torch.Tensor]) -> UniverSeg:
    """Builds the network whose widths the tensor shapes say, and loads the tensors."""
    def widths(prefix: str) -> Widths:
        out = []
        i = 0
        while f"{prefix}.{i}.cross.cross_conv.weight" in state:
            out.append((state[f"{prefix}.{i}.cross.cross_conv.weight"].shape[0],
                        state[f"{prefix}.{i}.target.vmapped.conv.weight"].shape[0]))
            i += 1
        return out
    model = UniverSeg(widths("enc_blocks"), widths("dec_blocks"))
    model.load_state_dict(state)
    return model
