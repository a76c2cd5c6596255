"""One process at a time, without waiting: an OS lock on an open file, taken for one round of work.

The kernel releases it when its holder dies, so a crashed process never leaves the work locked. The spool's
replay and the relays on a SQLite file take turns this way."""

import contextlib
import fcntl
from collections.abc import Iterator
from typing import IO


@contextlib.contextmanager
def turn(file: int | IO) -> Iterator[bool]:
    """Whether this process holds the file's lock now; it is released on leaving the block."""
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        yield False
        return
    try:
        yield True
    finally:
        fcntl.flock(file, fcntl.LOCK_UN)
