"""Procedural in-context segmentation tasks: each task is a family of images sharing one labelling rule.

Modules: `shapes` (smooth blobs, rings, thin curves, small dots), `textures`, `intensity` (contrast and
gamma), `corruptions` (noise, bias field, blur), `deform` (elastic and affine), `clutter` (distractor
objects), `phantoms` (slices of the 3-D phantoms of tools/make_demo_data.py), `tasks` (the families
and the sampler of (support set, query, query label)).
"""
from .tasks import Task, TaskSampler

__all__ = ["Task", "TaskSampler"]
