"""The next chunk of a streamed file read on the other core while this one is normalised.

Reading a chunk is mostly Arrow's CSV parser and the file read, which let go of the
interpreter lock; normalising one is mostly single-threaded pandas and numpy. A thread that
reads one chunk ahead keeps both cores busy. At most `depth` chunks wait besides the one
being read and the one in hand, so memory stays bounded; the chunks come in the order read,
and an error while reading is raised here as it would have been in the loop.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

__all__ = ["read_ahead"]

T = TypeVar("T")
_POLL_SECONDS = 0.1  # how often a blocked reader checks that the consumer still wants chunks


class _Done:
    """The end of the chunks, or the error that ended them."""

    def __init__(self, error: BaseException | None = None):
        self.error = error


def read_ahead(chunks: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items of `chunks`, produced in a background thread up to `depth` ahead."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in chunks:
                if not hand(item):
                    return  # the consumer stopped early: read no further
            hand(_Done())
        except BaseException as exc:  # raised in the consumer, where the loop would raise it
            hand(_Done(exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a generator's file handle is closed in the thread that ran it

    thread = threading.Thread(target=run, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = waiting.get()
            if isinstance(item, _Done):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
        thread.join()
