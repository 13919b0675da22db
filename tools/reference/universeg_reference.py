"""Independent PyTorch reference of the UniverSeg network, written from docs/DESIGN.md ("The
network").

This is the plain two-stream network with no speed reformulation: every support member is carried
through every block, the cross convolution is applied to each concatenated pair, and the target
stream averages the per-member cross features. It exists to produce parity fixtures for the Swift
engine; its module names mirror the published checkpoint so that ``state_dict()`` keys match it.
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

LEAKY_SLOPE = 0.01


class _Conv(nn.Module):
    """A convolution held under the attribute name ``conv`` (published key ``...vmapped.conv``)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class _Vmapped(nn.Module):
    """Applies a convolution to every member of a [B, S, C, H, W] group (key ``...vmapped``)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.vmapped = _Conv(in_channels, out_channels, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, s = x.shape[:2]
        y = self.vmapped(x.reshape(b * s, *x.shape[2:]))
        return y.reshape(b, s, *y.shape[1:])


class _CrossConv(nn.Module):
    """The cross convolution: conv(concat(T, U_k)) for every k, no activation."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.cross_conv = nn.Conv2d(in_channels, out_channels, 3, padding=1)

    def forward(self, target: torch.Tensor, support: torch.Tensor) -> torch.Tensor:
        # target [B, Ct, H, W], support [B, S, Cs, H, W] -> [B, S, Fc, H, W]
        b, s = support.shape[:2]
        tiled = target.unsqueeze(1).expand(b, s, *target.shape[1:])
        pairs = torch.cat([tiled, support], dim=2)
        z = self.cross_conv(pairs.reshape(b * s, *pairs.shape[2:]))
        return z.reshape(b, s, *z.shape[1:])


class CrossBlock(nn.Module):
    def __init__(self, in_channels: int, cross_features: int, out_features: int) -> None:
        super().__init__()
        self.cross = _CrossConv(in_channels, cross_features)
        self.target = _Vmapped(cross_features, out_features)
        self.support = _Vmapped(cross_features, out_features)

    def forward(self, target: torch.Tensor, support: torch.Tensor):
        z = self.cross(target, support)
        new_target = F.leaky_relu(self.target(z.mean(dim=1, keepdim=True)), LEAKY_SLOPE).squeeze(1)
        new_support = F.leaky_relu(self.support(z), LEAKY_SLOPE)
        return new_target, new_support


def _pool(x: torch.Tensor) -> torch.Tensor:
    lead = x.shape[:-3]
    y = F.max_pool2d(x.reshape(-1, *x.shape[-3:]), kernel_size=2, stride=2)
    return y.reshape(*lead, *y.shape[1:])


def _upsample(x: torch.Tensor) -> torch.Tensor:
    lead = x.shape[:-3]
    y = F.interpolate(x.reshape(-1, *x.shape[-3:]), scale_factor=2, mode="bilinear", align_corners=True)
    return y.reshape(*lead, *y.shape[1:])


class UniverSegReference(nn.Module):
    """The plain two-stream network.

    encoder: list of (cross features, output features) per encoder block.
    decoder: same for the decoder blocks; default = encoder reversed without its last block.
    """

    def __init__(
        self,
        encoder: Sequence[tuple[int, int]] = ((64, 64),) * 4,
        decoder: Sequence[tuple[int, int]] | None = None,
    ) -> None:
        super().__init__()
        encoder = [tuple(w) for w in encoder]
        decoder = [tuple(w) for w in (decoder if decoder is not None else encoder[-2::-1])]
        if len(decoder) != len(encoder) - 1:
            raise ValueError("need one decoder block fewer than encoder blocks")
        self.enc_blocks = nn.ModuleList()
        target_channels, support_channels = 1, 2
        skips = []
        for cross, out in encoder:
            self.enc_blocks.append(CrossBlock(target_channels + support_channels, cross, out))
            target_channels = support_channels = out
            skips.append(out)
        self.dec_blocks = nn.ModuleList()
        for (cross, out), skip in zip(decoder, reversed(skips[:-1])):
            both = target_channels + skip
            self.dec_blocks.append(CrossBlock(2 * both, cross, out))
            target_channels = support_channels = out
        self.out_conv = _Conv(target_channels, 1, 1)

    def forward(self, query: torch.Tensor, support_images: torch.Tensor, support_labels: torch.Tensor):
        target = query  # [B, 1, H, W]
        support = torch.cat([support_images, support_labels], dim=2)  # [B, S, 2, H, W]
        skips = []
        for index, block in enumerate(self.enc_blocks):
            target, support = block(target, support)
            if index < len(self.enc_blocks) - 1:
                skips.append((target, support))
                target, support = _pool(target), _pool(support)
        for block in self.dec_blocks:
            skip_target, skip_support = skips.pop()
            target = torch.cat([_upsample(target), skip_target], dim=1)
            support = torch.cat([_upsample(support), skip_support], dim=2)
            target, support = block(target, support)
        return self.out_conv(target)
