"""Dask for the lab and the sweeps: a local cluster of processes, or an existing one.

Work is always split into tasks that carry everything they need (the scenario,
their seeds) and results are put back in task order, so what comes out does not
depend on the number of workers or on which worker ran what.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


@contextmanager
def client_for(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A Dask client: of the cluster at ``scheduler``, else of a new local cluster of
    ``workers`` single-threaded processes on the loopback interface (closed after)."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(
        n_workers=max(1, workers),
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",  # any free port, loopback only
        host="127.0.0.1",
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def run_tasks(
    fn: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    scheduler: str | None,
    workers: int,
    shared: Any = None,
    on_done: Callable[[int], None] | None = None,
    name: str = "brink",
) -> list[Any]:
    """``[fn(shared, *t) for t in tasks]`` on Dask, in task order. ``on_done(i)`` is
    called (in the caller's process) as task i finishes."""
    from dask.distributed import as_completed

    # unique keys: several runs may share one scheduler
    tag = f"{name}-{uuid.uuid4().hex[:12]}"
    with client_for(scheduler, workers) as client:
        data = client.scatter(shared, broadcast=True)
        futures = [
            client.submit(fn, data, *t, key=f"{tag}-{i}", pure=False) for i, t in enumerate(tasks)
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(futures)
        for fut in as_completed(futures):
            i = index[fut.key]
            out[i] = fut.result()
            if on_done is not None:
                on_done(i)
        return out
