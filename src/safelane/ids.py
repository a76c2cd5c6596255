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
    """The same parts always give the same id (a consignment keeps its id across filing versions).

    Each part is length-prefixed, so no choice of characters inside a part can make two different
    tuples encode alike (a separator could be typed into a field; a length cannot).
    """
    encoded = b"".join(len(raw).to_bytes(4, "big") + raw for raw in (part.encode() for part in parts))
    return f"{prefix}{hashlib.blake2b(encoded, digest_size=10).hexdigest()}"


def consignment_id(filer: str, document_number: str, reference: str) -> str:
    """A consignment's id: the same filer, document and reference in every version of the filing."""
    return stable_id("C", filer, document_number, reference)
