"""A tiny SMTP server for fault tests, on 127.0.0.1 and a free port, in four modes.

- "accept": speaks enough SMTP to take messages and records them (`stub.messages`)
- "refuse": nothing listens on the port, so connections are refused
- "hang": accepts the TCP connection and never says a word
- "tempfail": greets, then answers every MAIL FROM with 451 (try again later), as a relay
  with a full queue or a broken upstream does

`stub.hold_after(n)`: the n-th message (counted from the start) is recorded, then the stub
sets `stub.holding` and waits for `stub.release_hold()` before it answers 250, so that a
test can act (kill the sender) while the server has the mail and the sender has no answer.
"""

from __future__ import annotations

import email
import socketserver
import threading
from email.message import Message

from tests.appservers import free_port

ACCEPT, REFUSE, HANG, TEMPFAIL = "accept", "refuse", "hang", "tempfail"
# A held answer is given anyway after this long, so that a failed test cannot hang the stub.
HOLD_TIMEOUT = 60


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        stub = self.server.stub
        stub.connections += 1
        if stub.mode == HANG:
            # Hold the connection, silent, until the test changes mode or stops the stub.
            stub.released.wait()
            return
        try:
            self._talk(stub)
        except OSError:
            # The client went away (killed, or timed out): a real server just drops it too.
            return

    def _talk(self, stub: SMTPStub) -> None:
        self._reply("220 stub ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 stub")
            elif verb == "MAIL" and stub.mode == TEMPFAIL:
                self._reply("451 4.3.0 Temporary failure, try again later")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if data is None:
                    return  # Cut off before the final dot: not a message, as for a real server.
                if stub.record(data):
                    stub.holding.set()
                    stub.hold_released.wait(HOLD_TIMEOUT)
                self._reply("250 OK queued")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Not implemented")

    def _read_data(self) -> bytes | None:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)

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
        self.port = free_port()
        self.messages: list[Message] = []
        self.connections = 0
        self.mode = REFUSE
        self.released = threading.Event()
        self._hold_at = 0
        self.holding = threading.Event()
        self.hold_released = threading.Event()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.set_mode(mode)

    def record(self, data: bytes) -> bool:
        """Keep the message; True when its answer is to be held (`hold_after`)."""
        with self._lock:
            self.messages.append(email.message_from_bytes(data))
            return len(self.messages) == self._hold_at

    def hold_after(self, count: int) -> None:
        with self._lock:
            self._hold_at = count
            self.holding.clear()
            self.hold_released.clear()

    def release_hold(self) -> None:
        self.hold_released.set()

    def message_ids(self) -> list[str]:
        with self._lock:
            return [message["Message-ID"] for message in self.messages]

    def recipients(self) -> list[str]:
        with self._lock:
            return [message["To"] for message in self.messages]

    def set_mode(self, mode: str) -> None:
        if mode not in (ACCEPT, REFUSE, HANG, TEMPFAIL):
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
        self.hold_released.set()
        self._stop_server()

    def _stop_server(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self._thread = None


def send_through(settings, stub: SMTPStub, *, timeout: float) -> None:
    """Point Django's SMTP backend at `stub` (pytest-django's `settings`), plain and without login."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = stub.host, stub.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = timeout
