"""The event loop every `rkg serve` process runs: the server's thread and each front process.

uvloop (libuv under asyncio's interface) rather than asyncio's own loop: it does the reads,
writes and callbacks of each request in C where asyncio's selector loop does them in Python;
a front answering light lookups spent 5 % less CPU per request on it (docs/serve.md,
Performance). Nothing else in the server depends on which loop it is: it uses only asyncio's
interface (uvloop's transports are not instances of asyncio's classes: nothing checks them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvloop

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    return uvloop.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on the loop above."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)
