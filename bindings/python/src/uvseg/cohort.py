"""`segment_cohort`: many studies segmented from one support set, as `uvseg segment --query-dir`
does, in this process (one study at a time, or several side by side on threads) or as tasks on a
Dask cluster.

On a cluster each worker process loads the model and the support volumes once and keeps them for
the studies it is given; each label map is written by the worker that made it, atomically (the
library's writer), so a worker that dies leaves no partial file. A study that fails is a record
with status "failed" and the reason, never a failed run. A study whose label map is already there
(and reads on the study's grid) is skipped unless `overwrite=True`, so a cohort can be run again
after an interruption or with more studies.
"""
from __future__ import annotations

import os
import pathlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._library import jobs_argument
from .model import Model
from .segmentation import segment
from .volume import PathLike, Volume

# What a worker process keeps between its studies: models by weights file, support volumes by paths.
_worker_cache: Dict[Any, Any] = {}
_worker_cache_lock = threading.Lock()


def segment_cohort(queries: Sequence[PathLike], support_images: Sequence[PathLike],
                   support_labels: Sequence[PathLike], out_dir: PathLike, *, client: Any = None,
                   jobs: int = 1, weights: Optional[PathLike] = None, overwrite: bool = False,
                   **options: Any) -> List[Dict[str, Any]]:
    """Segments each query (a NIfTI file) to out_dir/<its file name>; returns one record per query,
    in order: {"query", "output", "status" ("ok", "skipped" or "failed"), "error", "seconds"}, the
    fields of `uvseg segment --report`.

    client: a `dask.distributed.Client`; the studies then run as tasks on its workers (the files must
    be reachable from them under the same paths). jobs: without a client, how many studies run at
    once in this process, on threads sharing one model (the library lets go of the interpreter while
    it segments), each with its share of the cores unless options name threads and within the
    library's memory limit of one segmentation (so N at once may hold N times that); the label
    maps do not depend on it. weights: a checkpoint, or None for the built-in model. options: the settings
    of `uvseg.segment` (support_size, plane, ...). Raises ValueError before any work when an output
    would replace a query or a support file, or for jobs below 1 or with a client.
    """
    jobs_argument(jobs)
    if client is not None and jobs != 1:
        raise ValueError("jobs is for this process; with a client, its workers run the studies side by side")
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    studies = [os.fspath(query) for query in queries]
    support = (tuple(map(os.fspath, support_images)), tuple(map(os.fspath, support_labels)))
    _refuse_replacing_inputs([out / pathlib.Path(query).name for query in studies], [*studies, *support[0], *support[1]])
    jobs = min(jobs, len(studies))
    if jobs > 1 and "threads" not in options:  # the cores shared out, as the command's --jobs does
        options["threads"] = max(1, len(os.sched_getaffinity(0)) // jobs)
    task = _StudyTask(str(out), support, None if weights is None else os.fspath(weights), overwrite,
                      tuple(sorted(options.items())))
    if client is not None:
        return client.gather(client.map(task, studies, pure=False))
    if jobs == 1:
        return [task(query) for query in studies]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(task, studies))


def _refuse_replacing_inputs(outputs: Sequence[pathlib.Path], inputs: Sequence[str]) -> None:
    for output in outputs:
        for path in inputs:
            if output.exists() and os.path.exists(path) and os.path.samefile(output, path):
                raise ValueError(f"the label map {output} would replace the input {path}; choose another out_dir")


class _StudyTask:
    """One study, as a task a worker runs: picklable, holding only paths and settings."""

    def __init__(self, out_dir: str, support: Tuple[Tuple[str, ...], Tuple[str, ...]], weights: Optional[str],
                 overwrite: bool, options: Tuple[Tuple[str, Any], ...]):
        self.out_dir, self.support, self.weights, self.overwrite, self.options = (
            out_dir, support, weights, overwrite, options)

    def __call__(self, query: str) -> Dict[str, Any]:
        output = os.path.join(self.out_dir, os.path.basename(query))
        start = time.monotonic()
        record: Dict[str, Any] = {"query": query, "output": output, "status": "ok", "error": None}
        try:
            if not self.overwrite and _is_complete(output, query):
                record["status"] = "skipped"
            else:
                model, images, labels = self._loaded()
                segment(model, query, images, labels, **dict(self.options)).write_label_map(output)
        except Exception as error:  # a failing study is a failed record, not a failed run
            record.update(status="failed", error=str(error))
        record["seconds"] = time.monotonic() - start
        return record

    def _loaded(self) -> Tuple[Model, List[Volume], List[Volume]]:
        """The model and support volumes, loaded once per worker process."""
        with _worker_cache_lock:
            model_key, support_key = ("model", self.weights), ("support", self.support)
            if model_key not in _worker_cache:
                _worker_cache[model_key] = Model.default() if self.weights is None else Model(self.weights)
            if support_key not in _worker_cache:
                _worker_cache[support_key] = ([Volume.read(path) for path in self.support[0]],
                                              [Volume.read(path) for path in self.support[1]])
            images, labels = _worker_cache[support_key]
            return _worker_cache[model_key], images, labels


def _is_complete(output: str, query: str) -> bool:
    """Whether a label map written earlier is there in full, on the study's grid."""
    if not os.path.exists(output):
        return False
    try:
        return Volume.read(output).shape == Volume.read(query).shape
    except Exception:  # unreadable: not complete, so it is segmented again
        return False
