"""Fake providers on loopback for tests and the benchmark: a small threading HTTP server on
127.0.0.1 (random port) that answers like an SMS gateway (``{"id": …}``), Zalo ZNS
(``{"error": 0, "data": {"msg_id": …}}``) and a Web Push service (201) at once, records what it
received, and can be told to fail (``fail_with=500``) or to hang (``hang=True``: answers after
the client's timeout)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeProvider:
    def __init__(self):
        self.received: list[dict] = []
        self.fail_with: int | None = None
        self.hang = False
        self.hang_seconds = 3.0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if fake.hang:
                    time.sleep(fake.hang_seconds)
                status = fake.fail_with
                if status:
                    body = b'{"error": "down"}'
                else:
                    try:
                        payload = json.loads(raw or b"{}")
                    except ValueError:
                        payload = {"binary": len(raw)}  # an encrypted Web Push payload
                    with fake.lock:
                        fake.received.append(
                            {
                                "path": self.path,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                                "body": payload,
                            }
                        )
                        n = len(fake.received)
                    status = 201 if "binary" in payload else 200
                    body = json.dumps(
                        {"id": f"fake-{n}", "error": 0, "data": {"msg_id": f"zns-{n}"}}
                    ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self, path: str = "") -> list[dict]:
        with self.lock:
            return [r["body"] for r in self.received if r["path"].startswith(path)]


class FakeSmtp:
    """A minimal SMTP server on 127.0.0.1 (random port) that accepts every message and counts
    them (``received``): enough for Django's SMTP backend (EHLO, MAIL, RCPT, DATA, RSET, QUIT)."""

    def __init__(self):
        import socketserver

        self.received: list[bytes] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                self.reply("220 fake ESMTP")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.reply("250 fake")
                    elif verb == b"DATA":
                        self.reply("354 end with .")
                        chunks = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            chunks.append(chunk)
                        with fake.lock:
                            fake.received.append(b"".join(chunks))
                        self.reply("250 queued")
                    elif verb == b"QUIT":
                        self.reply("221 bye")
                        return
                    else:  # MAIL, RCPT, RSET, NOOP
                        self.reply("250 ok")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> FakeSmtp:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
