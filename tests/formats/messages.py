"""Paths of the message fixtures the format tests read (copies in tests/fixtures/messages, never ../shared)."""

from pathlib import Path

import pytest

from safelane.domain import InvalidMessage

MESSAGES = Path(__file__).parents[1] / "fixtures" / "messages"


def read(relative: str) -> bytes:
    return (MESSAGES / relative).read_bytes()


def problems(call, *args, **kwargs) -> list[tuple[str, str]]:
    """The (location, code) pairs of the InvalidMessage a call raises."""
    with pytest.raises(InvalidMessage) as caught:
        call(*args, **kwargs)
    return [(p.location, p.code) for p in caught.value.problems]
