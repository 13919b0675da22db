#!/usr/bin/env python3
"""Trains uvseg's default model on generated in-context segmentation tasks.

Every step draws a support size S (log-uniform in 1..--max-support) and a batch of B tasks with
B * (S + 1) about --members, so a step costs about the same at any S. Loss: soft Dice + binary
cross-entropy (--dice-over); with --several, a fraction of steps have tasks of 2-3 disjoint
targets whose cross-entropy is that of the choice between them (data.segmentation_loss). The
batch of step k depends only on (--seed, k), so a run stopped and resumed
(the default when the run folder has a checkpoint; --no-resume starts afresh) draws the same data as one that never
stopped. An exponential moving average of the weights (--ema) is what is evaluated and exported.
Logs JSON lines to <run>/log.jsonl (loss, compute seconds per step, held-out Dice at S = 8);
checkpoints to <run>/checkpoint.pt; the averaged weights as safetensors to <run>/latest.safetensors
at every evaluation and when the run stops, and to <run>/stepNNNNNN.safetensors every
--snapshot-every steps.

CPU:  OMP_NUM_THREADS=1 nice -n 19 python3 training/train.py --run training/runs/default --threads 1
GPU:  python3 training/train.py --run training/runs/big --device cuda --width 64 --size 128 --members 256
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from uvseg_train import data  # noqa: E402
from uvseg_train.export import metadata, save_safetensors  # noqa: E402
from uvseg_train.model import UniverSeg, widths_from_flags  # noqa: E402
from uvseg_train.widen import widen, width_of  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, required=True, help="run folder (checkpoint, log)")
    p.add_argument("--size", type=int, default=64, help="native image size (pixels per side)")
    p.add_argument("--width", type=int, default=32, help="features of every block (cross = out)")
    p.add_argument("--depth", type=int, default=4, help="number of encoder blocks")
    p.add_argument("--members", type=int, default=32, help="images per step, B * (S + 1)")
    p.add_argument("--max-support", type=int, default=16)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--ema", type=float, default=0.99,
                   help="decay of the moving average of the weights that is evaluated and exported")
    p.add_argument("--dice-over", choices=("item", "batch"), default="item",
                   help="the loss's soft Dice per task (the shipped recipe) or over the whole batch, "
                   "which also penalises pixels marked in queries whose label is empty")
    p.add_argument("--several", type=float, default=0.0,
                   help="fraction of steps whose tasks have 2-3 disjoint targets, trained on which one "
                   "wins each pixel (the command's choice between labels); 0: the shipped recipe")
    p.add_argument("--coarse", type=float, default=0.0,
                   help="share of steps whose tasks are drawn at --coarse-size and resized to --size as "
                   "uvseg resizes a smaller slice")
    p.add_argument("--coarse-size", type=int, default=0, help="pixels of those tasks (default: half of --size)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=1, help="torch threads of the training process")
    p.add_argument("--workers", type=int, default=0, help="processes generating tasks (0: in the training process)")
    p.add_argument("--phantoms", type=int, default=60, help="training phantom volumes")
    p.add_argument("--mix", default="", help="task families' weights, e.g. anatomy=0.6,regions=0.1 "
                   "(unnamed families keep the first model's: regions=0.3,objects=0.4,phantom=0.3,anatomy=0)")
    p.add_argument("--init", type=Path, help="safetensors weights to start from (a new run only); a "
                   "narrower network is widened to --width first, computing what it did")
    p.add_argument("--checkpoint-every", type=int, default=25)
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--eval-tasks", type=int, default=32)
    p.add_argument("--snapshot-every", type=int, default=500, help="keep weights of every n-th step")
    p.add_argument("--no-resume", action="store_true")
    p.add_argument("--stop-after", type=float, default=0, help="stop (resumably) after this many minutes")
    p.add_argument("--stop-at", type=int, default=0, help="stop (resumably) after this step")
    return p.parse_args(argv)


def learning_rate(args, step: int) -> float:
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = min(1.0, (step - args.warmup) / max(1, args.steps - args.warmup))
    return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))


class HeldOut:
    """A fixed set of held-out tasks (own seed, own phantoms) at S = 8, scored by Dice."""

    def __init__(self, size: int, count: int, seed: int, mix: dict[str, float]):
        sampler = data.sampler(size, heldout=True, phantoms=20, mix=mix)
        rng = np.random.default_rng([seed, 999_999])
        self.batches = [data.batch(sampler, rng, 8, 8) for _ in range(max(1, count // 8))]

    @torch.no_grad()
    def score(self, model, device) -> dict:
        model.eval()
        soft, hard = [], []
        for q, si, sl, ql in self.batches:
            logits = model(q.to(device), si.to(device), sl.to(device))
            soft.append(data.dice(torch.sigmoid(logits), ql.to(device)).cpu())
            hard.append(data.hard_dice(logits, ql.to(device)).cpu())
        model.train()
        return {"heldout_dice": float(torch.cat(hard).mean()), "heldout_soft_dice": float(torch.cat(soft).mean())}


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    args.run.mkdir(parents=True, exist_ok=True)
    device = torch.device(args.device)
    model = UniverSeg(widths_from_flags(args.width, args.depth)).to(device)
    ckpt_path = args.run / "checkpoint.pt"
    resuming = ckpt_path.exists() and not args.no_resume
    if args.init and not resuming:
        state = load_file(str(args.init))
        if width_of(state) < args.width:
            state = widen(state, args.width, seed=args.seed)  # computes what the narrow one did
        model.load_state_dict(state)
    mix = data.parse_mix(args.mix)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    average = torch.optim.swa_utils.AveragedModel(
        model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(args.ema))
    step = 0
    if resuming:
        ckpt = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        average.load_state_dict(ckpt["average"])
        step = ckpt["step"]
        print(f"resumed at step {step}", flush=True)
    (args.run / "args.json").write_text(json.dumps({k: str(v) for k, v in vars(args).items()}, indent=1))
    batches = torch.utils.data.DataLoader(
        data.StepBatches(args.size, args.phantoms, args.seed, args.members, args.max_support, args.steps, mix,
                          args.several, args.coarse, args.coarse_size),
        batch_size=None, sampler=range(step, args.steps), num_workers=args.workers)
    heldout = HeldOut(args.size, args.eval_tasks, args.seed, mix)
    log = open(args.run / "log.jsonl", "a")

    plain_args = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}

    def save(step):
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "average": average.state_dict(), "step": step,
                    "args": plain_args}, str(ckpt_path) + ".tmp")
        Path(str(ckpt_path) + ".tmp").replace(ckpt_path)

    def export_latest(step):
        save_safetensors(average.module.state_dict(), args.run / "latest.safetensors",
                         metadata(model, plain_args, step))

    if args.stop_at and step >= args.stop_at:
        print(f"already at step {step}, not before --stop-at {args.stop_at}", flush=True)
        return
    started, cpu_started = time.time(), time.process_time()
    window = []
    for *tensors, targets in batches:
        q, si, sl, ql = (t.to(device) for t in tensors)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(args, step)
        t0 = time.time()
        logits = model(q, si, sl)
        loss = data.segmentation_loss(logits, ql, args.dice_over, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        average.update_parameters(model)
        step += 1
        window.append((float(loss.detach()), time.time() - t0))
        if step % args.checkpoint_every == 0 or step == args.steps:
            save(step)
        if step % args.eval_every == 0 or step == args.steps:
            record = {"step": step, "loss": float(np.mean([w[0] for w in window])),
                      "s_per_step": float(np.mean([w[1] for w in window])), "lr": learning_rate(args, step - 1),
                      "minutes": (time.time() - started) / 60,
                      # on a shared machine wall time depends on the load; CPU time much less
                      "cpu_minutes": (time.process_time() - cpu_started) / 60,
                      **heldout.score(average.module, device)}
            window = []
            log.write(json.dumps(record) + "\n")
            log.flush()
            print(json.dumps(record), flush=True)
            export_latest(step)
            if step % args.snapshot_every == 0:
                save_safetensors(average.module.state_dict(), args.run / f"step{step:06d}.safetensors",
                                 metadata(model, plain_args, step))
        if (args.stop_after and time.time() - started > args.stop_after * 60) or step == args.stop_at:
            save(step)
            export_latest(step)  # else latest lags the checkpoint by up to --eval-every steps
            print(f"stopped at step {step}; resume with the same command", flush=True)
            break


if __name__ == "__main__":
    main()
