"""A TCP proxy on 127.0.0.1 that a test can pause (connections stay open, nothing passes: a frozen server)
or make refuse (every connection dropped, new ones closed at once), without touching the real server."""

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator
from types import TracebackType

import sqlalchemy as sa


class Proxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self.refusing = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def pause(self) -> None:
        self._flowing.clear()

    def refuse(self) -> None:
        self.refusing = True
        self._drop_all()
        self._flowing.set()

    def resume(self) -> None:
        self.refusing = False
        self._flowing.set()

    def _drop_all(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()  # paused: the bytes wait here, both ends keep their connection
                if self.refusing:
                    return
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()
        self._flowing.set()
        self._drop_all()

    def __enter__(self) -> "Proxy":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


@contextlib.contextmanager
def proxied_schema(postgres_url: str) -> Iterator[tuple[Proxy, str, sa.Engine, str]]:
    """A fresh schema on the real PostgreSQL reached through a Proxy: (proxy, URL through it, a direct admin
    engine, schema name). The schema is dropped afterwards and the proxy left flowing."""
    real = sa.make_url(postgres_url)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        with Proxy((real.host or "127.0.0.1", real.port or 5432)) as proxy:
            through = {"options": f"-csearch_path={schema}", "application_name": schema}  # named to end them below
            url = real.set(host="127.0.0.1", port=proxy.port).update_query_dict(through)
            try:
                yield proxy, url.render_as_string(hide_password=False), admin, schema
            finally:
                proxy.resume()
    finally:
        with admin.begin() as conn:  # a query the proxy held back may still run after the proxy closed: end every
            conn.execute(  # session that came through it first, or the DROP deadlocks against it
                sa.text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": schema},
            )
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
