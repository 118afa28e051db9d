"""The team server's periodic background work (the lease sweep, watching for other
processes' writes) stops without leaving a worker thread on a closed database."""

from __future__ import annotations

import asyncio
import threading
import time

from webcare.server.app import every


def test_a_run_under_way_finishes_before_the_loop_returns() -> None:
    started, finished = threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        time.sleep(0.3)  # a sweep that takes a while
        finished.set()

    async def main() -> None:
        stopping = asyncio.Event()
        task = asyncio.create_task(every(0.01, work, "test", stopping))
        while not started.is_set():
            await asyncio.sleep(0.005)
        stopping.set()  # the server shuts down while the sweep runs
        await task
        # only now may the database close: the sweep is over
        assert finished.is_set()

    asyncio.run(main())


def test_between_runs_it_stops_at_once() -> None:
    runs: list[float] = []

    async def main() -> float:
        stopping = asyncio.Event()
        task = asyncio.create_task(every(60.0, lambda: runs.append(1.0), "test", stopping))
        await asyncio.sleep(0.05)
        began = time.monotonic()
        stopping.set()
        await task
        return time.monotonic() - began

    assert asyncio.run(main()) < 1.0  # not the 60 s interval
    assert runs == []


def test_a_failing_run_is_logged_and_the_next_one_still_comes() -> None:
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database busy")

    async def main() -> None:
        stopping = asyncio.Event()
        task = asyncio.create_task(every(0.01, work, "test", stopping))
        while len(calls) < 2:
            await asyncio.sleep(0.005)
        stopping.set()
        await task

    asyncio.run(main())
    assert len(calls) >= 2
