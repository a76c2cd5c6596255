"""Sortable identifiers made in Python, so inserts need no round trip for generated keys."""

import hashlib
import os
import random
import time

# Ids must be unique, not secret (access is checked on every read), so a fast generator seeded from
# the OS will do; it is reseeded in a forked worker so two processes never share a sequence.
_random = random.Random(os.urandom(16))
os.register_at_fork(after_in_child=lambda: _random.seed(os.urandom(16)))


def new_id(prefix: str) -> str:
    """prefix + milliseconds (hex) + 40 random bits: sorts by creation time, unique without coordination."""
    return f"{prefix}{time.time_ns() // 1_000_000:011x}{_random.getrandbits(40):010x}"


def stable_id(prefix: str, *parts: str) -> str:
    """The same parts always give the same id (a consignment keeps its id across filing versions)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()
    return f"{prefix}{digest}"
