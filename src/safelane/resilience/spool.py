"""A durable local spool: filings accepted while the store is down, kept on disk until it is back.

One append-only file of framed records (magic, length, CRC-32, payload) and a checkpoint file with the
offset up to which records have been forwarded to the store. An append returns only after fsync has
put the record on disk, so a 202 answer means the filing survives a kill -9 or a power cut; appends
that arrive together share one fsync (group commit), and `append_many` writes a whole group with one
write and one fsync (the API's writer thread, `forward.GroupCommit`), which is what makes a thousand
filings a second possible on an ordinary disk. A record that a crash cut short fails its length or CRC check and is
dropped when the spool is opened: it was never acknowledged. When every record has been forwarded
the files are emptied, so the spool takes room only during an outage. One process owns a spool
directory at a time (an exclusive lock), since two writers would interleave their records.
"""

import fcntl
import os
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

MAGIC = b"SL"
HEADER = struct.Struct(">2sII")  # magic, payload length, CRC-32 of the payload
LOG, CHECKPOINT, LOCK = "spool.log", "forwarded", "lock"


class SpoolFull(Exception):
    """The spool reached its size limit: refuse (503) rather than fill the disk."""


class SpoolInUse(Exception):
    """Another process owns this spool directory."""


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """Append-only, fsynced, bounded; read back in order from the last checkpoint."""

    def __init__(self, directory: Path, max_bytes: int):
        self.directory, self.max_bytes = directory, max_bytes
        directory.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise SpoolInUse(f"the spool {directory} is in use by another process; give each its own") from None
        self._fd = os.open(directory / LOG, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self._checkpoint_fd = os.open(directory / CHECKPOINT, os.O_RDWR | os.O_CREAT, 0o600)
        _fsync_directory(directory)
        self._write_lock = threading.Lock()  # one writer of the log at a time
        self._sync_lock = threading.Lock()  # one fsync at a time; the others find their bytes already synced
        self.forwarded = self._read_checkpoint()
        if self.forwarded > os.fstat(self._fd).st_size:  # a checkpoint past the log's end: trust the log
            self.forwarded = 0
        self.size = self._valid_end()
        os.ftruncate(self._fd, self.size)  # drop a record cut short by a crash: it was never acknowledged
        self._synced = self.size

    def _read_checkpoint(self) -> int:
        raw = os.pread(self._checkpoint_fd, 8, 0)
        return struct.unpack(">Q", raw)[0] if len(raw) == 8 else 0

    def _valid_end(self) -> int:
        """The end of the last whole record (a torn tail is not counted)."""
        end = self.forwarded
        for _, after in self._records(end, os.fstat(self._fd).st_size):
            end = after
        return end

    def _records(self, start: int, stop: int) -> Iterator[tuple[bytes, int]]:
        offset = start
        while offset + HEADER.size <= stop:
            magic, length, crc = HEADER.unpack(os.pread(self._fd, HEADER.size, offset))
            payload = os.pread(self._fd, length, offset + HEADER.size) if magic == MAGIC else b""
            if magic != MAGIC or len(payload) != length or zlib.crc32(payload) != crc:
                return
            offset += HEADER.size + length
            yield payload, offset

    def append(self, payload: bytes) -> None:
        """Write one record and return once it is on disk."""
        if not self.append_many([payload]):
            raise SpoolFull(f"the spool holds {self.size} bytes, its limit is {self.max_bytes}")

    def append_many(self, payloads: list[bytes]) -> int:
        """Write records in order with one write and one fsync, as many as fit under the limit; returns once they
        are on disk, with how many were written (the rest did not fit: SpoolFull for their senders)."""
        frames = []
        with self._write_lock:
            room = self.max_bytes - self.size
            for payload in payloads:
                frame = HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload
                if len(frame) > room:
                    break
                frames.append(frame)
                room -= len(frame)
            if not frames:
                return 0
            data = b"".join(frames)
            written = 0
            try:
                while written < len(data):  # a regular file takes it at once; a short write is continued
                    written += os.write(self._fd, data[written:])
            except OSError:
                os.ftruncate(self._fd, self.size)  # no torn group in front of the next one
                raise
            self.size += len(data)
            end = self.size
        self._sync(end)
        return len(frames)

    def _sync(self, end: int) -> None:
        """fsync unless another append's fsync already covered everything up to `end`."""
        with self._sync_lock:
            if self._synced >= end:
                return  # another append's fsync covered these records
            target = self.size
            os.fsync(self._fd)
            self._synced = max(self._synced, target)

    def pending(self) -> Iterator[tuple[bytes, int]]:
        """Records not yet forwarded, in order, each with the offset to checkpoint once it is."""
        return self._records(self.forwarded, self._synced)

    def checkpoint(self, offset: int) -> None:
        """Everything before `offset` is in the store; empty the files when nothing is left."""
        os.pwrite(self._checkpoint_fd, struct.pack(">Q", offset), 0)
        os.fsync(self._checkpoint_fd)
        self.forwarded = offset
        with self._write_lock:
            if self.forwarded == self.size:
                os.ftruncate(self._fd, 0)
                os.fsync(self._fd)
                os.pwrite(self._checkpoint_fd, struct.pack(">Q", 0), 0)
                os.fsync(self._checkpoint_fd)
                self.size = self.forwarded = self._synced = 0

    @property
    def empty(self) -> bool:
        return self.forwarded >= self.size

    def close(self) -> None:
        for fd in (self._fd, self._checkpoint_fd, self._lock_fd):
            os.close(fd)
