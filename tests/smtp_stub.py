"""A tiny SMTP server for fault tests, on 127.0.0.1 and a spare port, in three modes.

- "accept": speaks enough SMTP to take messages and records them (`stub.messages`)
- "refuse": nothing listens on the port, so connections are refused
- "hang": accepts the TCP connection and never says a word
"""

from __future__ import annotations

import email
import socket
import socketserver
import threading
from email.message import Message

ACCEPT, REFUSE, HANG = "accept", "refuse", "hang"


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        stub = self.server.stub
        stub.connections += 1
        if stub.mode == HANG:
            # Hold the connection, silent, until the test changes mode or stops the stub.
            stub.released.wait()
            return
        self._reply("220 stub ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 stub")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                stub.record(self._read_data())
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, stub: SMTPStub) -> None:
        self.stub = stub
        super().__init__(("127.0.0.1", port), _Handler)


class SMTPStub:
    def __init__(self, mode: str = ACCEPT) -> None:
        self.host = "127.0.0.1"
        self.port = _spare_port()
        self.messages: list[Message] = []
        self.connections = 0
        self.mode = REFUSE
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.set_mode(mode)

    def record(self, data: bytes) -> None:
        with self._lock:
            self.messages.append(email.message_from_bytes(data))

    def recipients(self) -> list[str]:
        with self._lock:
            return [message["To"] for message in self.messages]

    def set_mode(self, mode: str) -> None:
        if mode not in (ACCEPT, REFUSE, HANG):
            raise ValueError(mode)
        # Connections left hanging by the previous mode are let go.
        self.released.set()
        self.released = threading.Event()
        self.mode = mode
        if mode == REFUSE:
            self._stop_server()
        elif self._server is None:
            self._server = _Server(self.port, self)
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self.released.set()
        self._stop_server()

    def _stop_server(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None
