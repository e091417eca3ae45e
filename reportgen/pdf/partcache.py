"""Parts of a paper laid out once: a layout pool that remembers each job by its HTML.

``reportgen preview`` rebuilds a paper every time its workbook is saved. Most saves
change one cell, so most parts of the paper (:mod:`reportgen.pdf.split`) have the
same HTML as last time; :class:`CachedPool` stands in for a
:class:`~reportgen.pdf.pool.LayoutPool` and answers a job it has seen (same HTML,
template folders, date and options) with the pages laid out then, without WeasyPrint.
The frame (running header and footer) is a job like any other, so it is reused too
while no page moves. The cache lives in memory, for one warm process.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from concurrent.futures import Future

from reportgen.pdf.pool import Job, LaidOut, LayoutPool


def job_key(job: Job) -> str:
    """SHA-256 of everything a layout depends on."""
    digest = hashlib.sha256()
    for piece in (job.html, "\0".join(job.roots), job.epoch, repr(job.debug),
                  repr(job.options)):
        digest.update(piece.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


class CachedPool:
    """A :class:`LayoutPool` in front of which laid-out jobs are kept, at most
    ``limit`` of them (the least recently used go first)."""

    def __init__(self, pool: LayoutPool, limit: int = 256) -> None:
        self.pool = pool
        self.jobs = pool.jobs
        self.limit = limit
        self.hits = 0
        self.misses = 0
        self._done: OrderedDict[str, LaidOut] = OrderedDict()

    def submit(self, job: Job) -> Future[LaidOut]:
        key = job_key(job)
        if key in self._done:
            self.hits += 1
            self._done.move_to_end(key)
            future: Future[LaidOut] = Future()
            future.set_result(self._done[key])
            return future
        self.misses += 1
        future = self.pool.submit(job)
        future.add_done_callback(lambda done: self._keep(key, done))
        return future

    def _keep(self, key: str, future: Future[LaidOut]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        self._done[key] = future.result()
        while len(self._done) > self.limit:
            self._done.popitem(last=False)

    def map(self, function, items):
        return self.pool.map(function, items)

    def reset_counts(self) -> tuple[int, int]:
        """(hits, misses) since the last reset."""
        counts = (self.hits, self.misses)
        self.hits = self.misses = 0
        return counts
