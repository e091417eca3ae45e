"""Server-sent events: a build's progress, and a preview's new versions, pushed to the page.

Plain ``text/event-stream`` written by Starlette's streaming response: each event is
``event: <kind>`` and one line of JSON. The stream ends when the build does (a
preview's stream lasts as long as the page is open), and a comment is sent every few
seconds so a proxy or the browser does not take a quiet build for a dead one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable

from starlette.responses import StreamingResponse

from reportgen.web.jobs import Job

POLL_SECONDS = 0.05
KEEP_ALIVE_SECONDS = 10.0


def encode(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def job_events(job: Job) -> AsyncIterator[str]:
    """Every event of ``job`` from the first, then each new one, until its end."""
    number = 0
    quiet = 0.0
    while True:
        fresh = job.since(number)
        for event in fresh:
            number = event.number + 1
            yield encode(event.kind, event.data)
            if event.kind == "end":
                return
        # Not ended by job.state: the queue sets the state, removes the uploads, and only
        # then adds the "end" event, which the page waits for.
        await asyncio.sleep(POLL_SECONDS)
        quiet = 0.0 if fresh else quiet + POLL_SECONDS
        if quiet >= KEEP_ALIVE_SECONDS:
            quiet = 0.0
            yield ": still working\n\n"


async def version_events(current: Callable[[], int], *, once: bool = False
                         ) -> AsyncIterator[str]:
    """A ``version`` event now and whenever ``current()`` changes (a preview rebuilt).
    ``once``: stop after the first (for tests of the stream itself)."""
    seen = None
    quiet = 0.0
    while True:
        version = current()
        if version != seen:
            seen = version
            quiet = 0.0
            yield encode("version", {"version": version})
            if once:
                return
        await asyncio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS
        if quiet >= KEEP_ALIVE_SECONDS:
            quiet = 0.0
            yield ": waiting for a change\n\n"
