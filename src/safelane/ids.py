"""Sortable identifiers made in Python, so inserts need no round trip for generated keys."""

import hashlib
import secrets
import time


def new_id(prefix: str) -> str:
    """prefix + milliseconds (hex) + 40 random bits: sorts by creation time, unique without coordination."""
    return f"{prefix}{time.time_ns() // 1_000_000:011x}{secrets.token_hex(5)}"


def stable_id(prefix: str, *parts: str) -> str:
    """The same parts always give the same id (a consignment keeps its id across filing versions)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=10).hexdigest()
    return f"{prefix}{digest}"
