"""A small TCP proxy for fault tests: put it between an app server and a real server.

The shared PostgreSQL must never be stopped or frozen (tests/RULES): the test points the
app server at this proxy instead and lets the proxy fail.

- refuse(): the listener closes (new connections are refused) and every open connection
  is reset: a database that went away.
- freeze(): new connections are accepted and never forwarded (no byte either way), while
  open ones go on: a database that hangs on every new connection.
- resume(): back to forwarding; connections held by freeze() are closed.

Threads, one pair per connection; everything stops with stop() (or the context manager).
Only 127.0.0.1 on both sides.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

from tests.appservers import HOST, free_port


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset (RST), as a host that dropped the connection would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)  # Wakes the thread reading it.
    with contextlib.suppress(OSError):
        sock.close()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class TCPProxy:
    def __init__(self, upstream_port: int, upstream_host: str = HOST) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._mode = "forward"
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._held: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()

    # ---- control ----

    def start(self) -> TCPProxy:
        self._listen()
        return self

    def refuse(self) -> None:
        with self._lock:
            self._mode = "refuse"
            listener, self._listener = self._listener, None
            pairs, self._pairs = self._pairs, []
        if listener is not None:
            _close(listener)
        for client, upstream in pairs:
            _reset(client)
            _close(upstream)

    def freeze(self) -> None:
        with self._lock:
            self._mode = "freeze"
        if self._listener is None:
            self._listen()

    def resume(self) -> None:
        with self._lock:
            self._mode = "forward"
            held, self._held = self._held, []
        for sock in held:
            _close(sock)
        if self._listener is None:
            self._listen()

    def stop(self) -> None:
        self._stopped.set()
        self.refuse()
        with self._lock:
            held, self._held = self._held, []
        for sock in held:
            _close(sock)
        for thread in self._threads:
            thread.join(timeout=2)

    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def __enter__(self) -> TCPProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- machinery ----

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self.port))
        listener.listen(64)
        with self._lock:
            self._listener = listener
        self._spawn(self._accept, listener)

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                client, _address = listener.accept()
            except OSError:
                return  # Closed by refuse() or stop().
            with self._lock:
                mode = self._mode
                if mode == "freeze":
                    self._held.append(client)
                    continue
            if mode != "forward":
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            self._spawn(self._pump, client, upstream)
            self._spawn(self._pump, upstream, client)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        # One side ended: end the other, and forget the pair.
        _close(target)
        _close(source)
        with self._lock:
            self._pairs = [pair for pair in self._pairs if source not in pair]
