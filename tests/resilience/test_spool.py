"""The spool on a real directory: order, checkpoints, torn tails, limits, several writing processes merged in order,
and kill -9 while appending."""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from safelane.resilience import spool as spool_module
from safelane.resilience.spool import LEGACY_LOG, SEGMENTS, Spool, SpoolFull, SpoolInUse, frame


def records(spool: Spool) -> list[bytes]:
    return [payload for payload, _ in spool.pending()]


def test_records_come_back_in_the_order_they_were_appended(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    for i in range(5):
        spool.append(f"filing {i}".encode())
    assert records(spool) == [f"filing {i}".encode() for i in range(5)]


def test_a_checkpoint_survives_reopening_and_only_what_follows_it_is_pending(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    for i in range(3):
        spool.append(f"filing {i}".encode())
    _, after_first = next(spool.pending())
    spool.checkpoint([after_first])
    spool.close()
    assert records(Spool(tmp_path, 1 << 20)) == [b"filing 1", b"filing 2"]


def test_once_everything_is_forwarded_the_files_are_emptied(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    spool.append(b"one")
    spool.append(b"two")
    *_, (_, end) = spool.pending()
    spool.checkpoint([end])
    assert (spool.empty, spool.segment.log.stat().st_size) == (True, 0)
    spool.append(b"three")
    assert records(spool) == [b"three"]


def test_a_record_cut_short_by_a_crash_is_dropped_and_the_rest_kept(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    spool.append(b"whole")
    spool.close()
    with open(spool.segment.log, "ab") as log:  # a second record whose write stopped half way
        log.write(frame(2**62, b"half" * 10)[:-5])
    reopened = Spool(tmp_path, 1 << 20)
    reopened.append(b"after")
    assert records(reopened) == [b"whole", b"after"]
    reopened.checkpoint(position for _, position in reopened.pending())
    reopened.sweep()  # the dead segment, forwarded up to its torn tail, is removed; the live one stays
    assert [p.name for p in (tmp_path / SEGMENTS).glob("*.log")] == [reopened.segment.log.name]


def test_a_corrupted_record_ends_what_is_read(tmp_path):
    spool = Spool(tmp_path, 1 << 20)
    spool.append(b"first")
    spool.append(b"second")
    spool.close()
    data = bytearray(spool.segment.log.read_bytes())
    data[-1] ^= 0xFF  # flip a bit of the second payload: its CRC no longer matches
    spool.segment.log.write_bytes(bytes(data))
    assert records(Spool(tmp_path, 1 << 20)) == [b"first"]


def test_a_full_spool_refuses_and_keeps_what_it_has(tmp_path):
    spool = Spool(tmp_path, 64)
    spool.append(b"x" * 20)
    with pytest.raises(SpoolFull, match="limit is 64"):
        spool.append(b"y" * 40)
    assert records(spool) == [b"x" * 20]


def test_two_owners_of_one_directory_each_write_a_segment_and_are_read_merged_in_acceptance_order(tmp_path):
    first, second = Spool(tmp_path, 1 << 20), Spool(tmp_path, 1 << 20)
    for i in range(6):
        (first if i % 2 else second).append(f"filing {i}".encode())
    assert len(list((tmp_path / SEGMENTS).glob("*.log"))) == 2
    assert records(first) == records(second) == [f"filing {i}".encode() for i in range(6)]
    first.checkpoint(position for _, position in first.pending())
    assert second.empty and first.empty


def test_a_spool_of_the_one_file_layout_is_refused_rather_than_ignored(tmp_path):
    (tmp_path / LEGACY_LOG).write_bytes(b"SL...")
    with pytest.raises(SpoolInUse, match="earlier one-file spool"):
        Spool(tmp_path, 1 << 20)


def test_concurrent_appends_are_all_kept_whole(tmp_path):
    spool = Spool(tmp_path, 1 << 24)

    def write(n: int) -> None:
        for i in range(200):
            spool.append(f"{n}:{i}:".encode() + b"z" * (i % 50))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = records(spool)
    assert len(got) == 800
    for n in range(4):  # each writer's records in its own order
        mine = [int(r.split(b":")[1]) for r in got if r.startswith(f"{n}:".encode())]
        assert mine == list(range(200))


APPENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from safelane.resilience.spool import Spool
    spool = Spool(Path(sys.argv[1]), 1 << 30)
    i = 0
    while True:
        spool.append(b"filing %d " % i + b"x" * (i % 300))
        print(i, flush=True)  # acknowledged: only after append returned
        i += 1
    """
)


def test_nothing_acknowledged_is_lost_when_the_process_is_killed_while_appending(tmp_path):
    writer = subprocess.Popen(
        [sys.executable, "-c", APPENDER, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    assert writer.stdout is not None
    acknowledged = -1
    for line in writer.stdout:
        acknowledged = int(line)
        if acknowledged >= 300:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    writer.stdout.close()
    kept = [int(r.split()[1]) for r in records(Spool(tmp_path, 1 << 30))]
    assert kept[: acknowledged + 1] == list(range(acknowledged + 1))  # every acknowledged one, in order
    assert kept == list(range(len(kept)))  # and nothing torn or out of order after them


def test_the_limit_holds_for_the_whole_directory_not_per_segment(tmp_path):
    first, second = Spool(tmp_path, 100), Spool(tmp_path, 100)
    first.append(b"x" * 40)  # 58 bytes with its frame
    with pytest.raises(SpoolFull, match="holds 58 bytes, its limit is 100"):
        second.append(b"y" * 40)  # would fit its own empty segment, not the directory
    assert second.append_many([b"a", b"b", b"c"]) == 2  # 19 bytes each: the prefix that fits is written
    assert first.size == second.size == 96  # both count the directory's total
    first.checkpoint(position for payload, position in first.pending() if payload == b"x" * 40)
    second.append(b"y" * 40)  # a forwarded segment is emptied, and its room freed
    assert records(second) == [b"a", b"b", b"y" * 40]


def test_a_waiting_record_is_found_by_its_prefix_in_any_segment_until_it_is_forwarded(tmp_path):
    first, second = Spool(tmp_path, 1 << 20), Spool(tmp_path, 1 << 20)
    first.append(b'{"receipt":"R1","body":"{\\"receipt\\":\\"R2\\"}"}')
    second.append(b'{"receipt":"R2","body":""}')
    assert second.find(b'{"receipt":"R1",') == b'{"receipt":"R1","body":"{\\"receipt\\":\\"R2\\"}"}'
    assert first.find(b'{"receipt":"R2",') == b'{"receipt":"R2","body":""}'  # the whole record's, not the body's
    assert first.find(b'{"receipt":"R3",') is None
    first.checkpoint(position for payload, position in first.pending() if payload.startswith(b'{"receipt":"R1"'))
    assert second.find(b'{"receipt":"R1",') is None and second.find(b'{"receipt":"R2",') is not None


def test_a_search_finds_a_record_across_the_chunks_it_reads(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_module, "SEARCH_CHUNK", 16)
    spool = Spool(tmp_path, 1 << 20)
    for i in range(20):
        spool.append(f'{{"receipt":"R{i}","pad":"{"p" * i}"}}'.encode())
    assert [spool.find(f'{{"receipt":"R{i}",'.encode()) is not None for i in range(20)] == [True] * 20
    with open(spool.segment.log, "r+b") as log:  # a torn last record is not found: it was never acknowledged
        log.truncate(spool.segment.size() - 3)
    assert spool.find(b'{"receipt":"R19",') is None and spool.find(b'{"receipt":"R18",') is not None
