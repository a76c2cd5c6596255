"""A durable local spool: filings accepted while the store is down, kept on disk until it is back.

Several serving processes may spool into one directory at once: each appends to a segment of its own
(`segments/<pid>-<random>.log`, framed records: magic, length, acceptance stamp, CRC-32) and the one
process holding the replay lock reads all segments merged by acceptance stamp and moves each segment's
checkpoint (`<segment>.forwarded`). An append returns only after fsync has put the record on disk, so
a 202 answer means the filing survives a kill -9 or a power cut; `append_many` writes a whole group
with one write and one fsync (the API's writer thread, `group_commit.GroupCommit`). A record cut short
by a crash fails its length or CRC check and ends what is read of its segment: it was never
acknowledged. A segment's owner file is flocked by its process for its life; the replayer removes a segment
once it is forwarded and its owner is gone, and empties a live one under the segment's lock, so a
replay never reads offsets of a file that was emptied behind it. The size limit holds for the whole
directory: an append checks the segments' total and writes under the directory's append lock, so N
processes never hold N times the limit.
"""

import contextlib
import fcntl
import heapq
import os
import secrets
import struct
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from safelane.locks import turn

MAGIC = b"S2"
HEADER = struct.Struct(">2sIQI")  # magic, payload length, acceptance stamp (ns), CRC-32 of stamp and payload
STAMP = struct.Struct(">Q")
SEGMENTS, REPLAY_LOCK, APPEND_LOCK, LEGACY_LOG = "segments", "replay.lock", "append.lock", "spool.log"
SEARCH_CHUNK = 1 << 22  # bytes read at a time when a segment is searched for a record

Position = tuple["Segment", int]  # a segment and the offset just after a record: what to checkpoint


class SpoolFull(Exception):
    """The spool reached its size limit: refuse (503) rather than fill the disk."""


class SpoolInUse(Exception):
    """The spool directory cannot be used as it is (a spool of the earlier one-file layout is waiting)."""


def frame(stamp: int, payload: bytes) -> bytes:
    crc = zlib.crc32(payload, zlib.crc32(STAMP.pack(stamp)))
    return HEADER.pack(MAGIC, len(payload), stamp, crc) + payload


def read_record(fd: int, offset: int) -> tuple[int, bytes] | None:
    """The (stamp, payload) of the record framed at `offset`, or None where no whole record is."""
    magic, length, stamp, crc = HEADER.unpack(os.pread(fd, HEADER.size, offset).ljust(HEADER.size, b"\0"))
    payload = os.pread(fd, length, offset + HEADER.size) if magic == MAGIC else b""
    if magic != MAGIC or len(payload) != length or zlib.crc32(payload, zlib.crc32(STAMP.pack(stamp))) != crc:
        return None
    return stamp, payload


def read_checkpoint(path: Path) -> int:
    """A segment's checkpoint read by path (0 when there is none yet)."""
    raw = path.read_bytes()[:8]
    return STAMP.unpack(raw)[0] if len(raw) == 8 else 0


@contextlib.contextmanager
def flocked(fd: int) -> Iterator[None]:
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Segment:
    """One process's file of records, with the checkpoint of how far the replay has forwarded it."""

    def __init__(self, log: Path):
        self.log, self.name = log, log.stem
        self.fd = os.open(log, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self.checkpoint_fd = os.open(log.with_suffix(".forwarded"), os.O_RDWR | os.O_CREAT, 0o600)
        self.owner_fd = os.open(log.with_suffix(".owner"), os.O_RDWR | os.O_CREAT, 0o600)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def forwarded(self) -> int:
        raw = os.pread(self.checkpoint_fd, 8, 0)
        offset = STAMP.unpack(raw)[0] if len(raw) == 8 else 0
        return offset if offset <= self.size() else 0  # a checkpoint past the log's end: trust the log

    def records(self, start: int) -> Iterator[tuple[int, bytes, int]]:
        """(stamp, payload, offset after it) from `start` up to the first record that is not whole."""
        offset, stop = start, self.size()
        while offset + HEADER.size <= stop and (record := read_record(self.fd, offset)) is not None:
            stamp, payload = record
            offset += HEADER.size + len(payload)
            yield stamp, payload, offset

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Exclude the other processes' appends and checkpoints on this segment (flock on the checkpoint file)."""
        return flocked(self.checkpoint_fd)

    def set_forwarded(self, offset: int) -> None:
        """Record that everything before `offset` is in the store; empty the segment once all of it is. The
        checkpoint goes back to 0 before the log is cut, so a crash in between replays it again (duplicates,
        answered as such) rather than skipping what is appended next."""
        with self.locked():
            whole = offset >= self.size()
            os.pwrite(self.checkpoint_fd, STAMP.pack(0 if whole else offset), 0)
            os.fsync(self.checkpoint_fd)
            if whole:
                os.ftruncate(self.fd, 0)
                os.fsync(self.fd)

    def owner_gone(self) -> bool:
        try:
            fcntl.flock(self.owner_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(self.owner_fd, fcntl.LOCK_UN)
        return True

    def remove(self) -> None:
        for path in (self.log, self.log.with_suffix(".forwarded"), self.log.with_suffix(".owner")):
            path.unlink(missing_ok=True)
        self.close()

    def close(self) -> None:
        for fd in (self.fd, self.checkpoint_fd, self.owner_fd):
            os.close(fd)


def _waiting(segment: Segment) -> Iterator[tuple[int, str, bytes, Position]]:
    """A segment's records not yet forwarded, keyed for the merge: (stamp, segment name, payload, position)."""
    for stamp, payload, end in segment.records(segment.forwarded()):
        yield stamp, segment.name, payload, (segment, end)


class Spool:
    """This process's segment (append-only, fsynced, bounded) and the merged, ordered view of all segments."""

    def __init__(self, directory: Path, max_bytes: int):
        self.directory, self.max_bytes = directory, max_bytes
        legacy = directory / LEGACY_LOG
        if legacy.exists() and legacy.stat().st_size:
            raise SpoolInUse(f"{legacy} holds filings of the earlier one-file spool: forward them with that version")
        self.folder = directory / SEGMENTS
        self.folder.mkdir(parents=True, exist_ok=True)
        self.segment = Segment(self.folder / f"{os.getpid()}-{secrets.token_hex(4)}.log")
        fcntl.flock(self.segment.owner_fd, fcntl.LOCK_EX)  # held for this process's life: the owner is alive
        _fsync_directory(self.folder)
        self._replay_fd = os.open(directory / REPLAY_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        self._append_fd = os.open(directory / APPEND_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        self._write_lock = threading.Lock()  # one writer of this segment at a time within the process
        self._last_stamp = 0
        self._readers: dict[str, Segment] = {}  # every segment, own included, for the replay's thread only

    @property
    def size(self) -> int:
        """Bytes held by every segment of the directory: what the limit counts."""
        total = 0
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".log"):
                    with contextlib.suppress(FileNotFoundError):  # removed by a sweep meanwhile
                        total += entry.stat().st_size
        return total

    def append(self, payload: bytes) -> None:
        """Write one record and return once it is on disk."""
        if not self.append_many([payload]):
            raise SpoolFull(f"the spool holds {self.size} bytes, its limit is {self.max_bytes}")

    def append_many(self, payloads: list[bytes]) -> int:
        """Write records in order with one write and one fsync, as many as fit under the directory's limit; returns
        once they are on disk, with how many were written (the rest did not fit: SpoolFull for their senders). The
        total is checked and the write made under the directory's append lock; the fsync runs after it, so the
        processes' fsyncs still overlap."""
        with self._write_lock, self.segment.locked():
            start = self.segment.size()
            try:
                with flocked(self._append_fd):
                    frames = self._fitting(payloads, self.max_bytes - self.size)
                    data, written = b"".join(frames), 0
                    while written < len(data):  # a regular file takes it at once; a short write is continued
                        written += os.write(self.segment.fd, data[written:])
                if frames:
                    os.fsync(self.segment.fd)
            except OSError:
                os.ftruncate(self.segment.fd, start)  # no torn group in front of the next one
                raise
        return len(frames)

    def _fitting(self, payloads: list[bytes], room: int) -> list[bytes]:
        """The framed records of the longest prefix of `payloads` that fits in `room` bytes."""
        frames = []
        for payload in payloads:
            self._last_stamp = max(time.time_ns(), self._last_stamp + 1)  # increasing within the segment
            record = frame(self._last_stamp, payload)
            if len(record) > room:
                break
            frames.append(record)
            room -= len(record)
        return frames

    def _segments(self) -> list[Segment]:
        with os.scandir(self.folder) as entries:
            names = {entry.name[:-4] for entry in entries if entry.name.endswith(".log")}
        for name in names - self._readers.keys():
            self._readers[name] = Segment(self.folder / f"{name}.log")
        for name in self._readers.keys() - names:
            self._readers.pop(name).close()
        return [self._readers[name] for name in sorted(names)]

    def pending(self) -> Iterator[tuple[bytes, Position]]:
        """Records not yet forwarded, of every segment, merged by acceptance stamp, each with its position."""
        streams = [_waiting(segment) for segment in self._segments()]
        for _, _, payload, position in heapq.merge(*streams, key=lambda record: (record[0], record[1])):
            yield payload, position

    def checkpoint(self, positions: Iterable[Position]) -> None:
        """Everything up to these positions is in the store (the furthest one per segment counts)."""
        furthest: dict[str, Position] = {}
        for segment, end in positions:
            if end > furthest.get(segment.name, (segment, -1))[1]:
                furthest[segment.name] = (segment, end)
        for segment, end in furthest.values():
            segment.set_forwarded(end)

    def sweep(self) -> None:
        """Remove the segments of processes that are gone once nothing of theirs waits (a torn tail does not)."""
        for segment in self._segments():
            mine = segment.name == self.segment.name
            if not mine and segment.owner_gone() and next(segment.records(segment.forwarded()), None) is None:
                self._readers.pop(segment.name)
                segment.remove()

    @contextlib.contextmanager
    def replaying(self) -> Iterator[bool]:
        """Whether this process may replay now: one process at a time holds the directory's replay lock."""
        with turn(self._replay_fd) as mine:
            yield mine

    @property
    def empty(self) -> bool:
        """Nothing waits in any segment of the directory. Asked on every request, from any thread: by path, not
        through the replay's open files (a scan and a stat per segment; a checkpoint is read only for a non-empty
        one)."""
        if self.segment.forwarded() < self.segment.size():  # this process's own filings wait: no scan needed
            return False
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".log") and (size := entry.stat().st_size):
                    with contextlib.suppress(FileNotFoundError):
                        forwarded = read_checkpoint(self.folder / f"{entry.name[:-4]}.forwarded")
                        if forwarded != size:  # short of the end, or past it (counts as 0, as in Segment)
                            return False
        return True

    def find(self, prefix: bytes) -> bytes | None:
        """The payload of a record not yet forwarded, in any process's segment, that begins with `prefix` (a
        byte search of each segment past its checkpoint, then the record's frame checked); None when no segment
        holds one. Read by path like `empty`, from any thread; costs a read of what waits, so callers remember
        what it found."""
        with os.scandir(self.folder) as entries:
            logs = [Path(entry.path) for entry in entries if entry.name.endswith(".log")]
        for log in logs:
            with contextlib.suppress(FileNotFoundError):
                if (payload := _search(log, prefix)) is not None:
                    return payload
        return None

    def close(self) -> None:
        for segment in self._readers.values():
            segment.close()
        self._readers.clear()
        self.segment.close()
        os.close(self._replay_fd)
        os.close(self._append_fd)


def _search(log: Path, prefix: bytes) -> bytes | None:
    """`Spool.find` in one segment: a match counts only where a whole record's payload starts with it."""
    fd = os.open(log, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        start = read_checkpoint(log.with_suffix(".forwarded"))
        offset = (start if start <= size else 0) + HEADER.size  # a payload starts a header's length in, at least
        while offset < size:
            chunk = os.pread(fd, SEARCH_CHUNK + len(prefix) - 1, offset)  # overlaps the next chunk by a prefix
            at = chunk.find(prefix)
            while 0 <= at < SEARCH_CHUNK:
                record = read_record(fd, offset + at - HEADER.size)
                if record is not None and record[1].startswith(prefix):
                    return record[1]
                at = chunk.find(prefix, at + 1)
            offset += SEARCH_CHUNK
        return None
    finally:
        os.close(fd)
