"""Group commit on a real spool directory: concurrent requests on an event loop are written in groups, every
acknowledged record is on disk and reopens, and what does not fit is refused rather than acknowledged."""

import asyncio

import pytest

from safelane.resilience.group_commit import GroupCommit
from safelane.resilience.spool import HEADER, Spool, SpoolFull


def _records(spool: Spool) -> list[bytes]:
    return [payload for payload, _ in spool.pending()]


async def _send(writer: GroupCommit, payloads: list[bytes]) -> list[BaseException | None]:
    return await asyncio.gather(*(writer.append(p) for p in payloads), return_exceptions=True)


def test_concurrent_appends_are_acknowledged_once_on_disk_and_in_arrival_order(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    writer = GroupCommit(spool)
    payloads = [f"filing {i}".encode() for i in range(300)]
    answers = asyncio.run(_send(writer, payloads))
    writer.close()
    assert answers == [None] * 300
    assert _records(spool) == payloads  # gather hands them over in order; the writer keeps it
    spool.close()
    assert _records(Spool(tmp_path, 1 << 20)) == payloads  # acknowledged means on disk: it reopens whole


def test_append_many_writes_the_prefix_that_fits(tmp_path):
    spool = Spool(tmp_path, 3 * (HEADER.size + 4))
    assert spool.append_many([b"aaaa", b"bbbb", b"cccc", b"dddd"]) == 3
    assert _records(spool) == [b"aaaa", b"bbbb", b"cccc"]
    assert spool.append_many([b"eeee"]) == 0


def test_what_does_not_fit_is_refused_not_acknowledged(tmp_path):
    spool = Spool(tmp_path, 5 * (HEADER.size + 10))
    writer = GroupCommit(spool)
    payloads = [f"filing-{i:03d}".encode() for i in range(8)]  # ten bytes each: five fit
    answers = asyncio.run(_send(writer, payloads))
    writer.close()
    accepted = [p for p, a in zip(payloads, answers, strict=True) if a is None]
    refused = [a for a in answers if a is not None]
    assert len(accepted) == 5 and all(isinstance(a, SpoolFull) for a in refused)
    assert _records(spool) == accepted


def test_a_closed_writer_finishes_what_it_was_handed(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    writer = GroupCommit(spool)

    async def send_then_close() -> None:
        pending = [asyncio.ensure_future(writer.append(f"r{i}".encode())) for i in range(50)]
        await asyncio.sleep(0)  # every request has handed its record over
        await asyncio.gather(*pending)

    asyncio.run(send_then_close())
    writer.close()
    assert len(_records(spool)) == 50
    with pytest.raises(RuntimeError):  # a writer is not reused after close: nothing waits on it forever
        asyncio.run(asyncio.wait_for(writer.append(b"late"), 0.5))
