"""A loopback HTTP server for ingest tests: routes are set per test, nothing leaves 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    stream: int = 0  # send this many 1 MiB chunks (no Content-Length) instead of `body`


Route = Reply | Callable[[BaseHTTPRequestHandler], Reply]


class Server:
    def __init__(self, httpd: ThreadingHTTPServer) -> None:
        self.httpd = httpd
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(1 for hit, _ in self.hits if hit == path)


@contextmanager
def serve() -> Iterator[Server]:
    """A server on 127.0.0.1, port chosen by the system, stopped on exit."""
    server: Server

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.hits.append((self.path, dict(self.headers)))
            route = server.routes.get(self.path)
            if route is None:
                reply = Reply(404, b"not here")
            elif isinstance(route, Reply):
                reply = route
            else:
                reply = route(self)
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.stream:
                    self.end_headers()
                    chunk = b"x" * (1024 * 1024)
                    for _ in range(reply.stream):
                        self.wfile.write(chunk)
                    return
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on purpose (size cap, timeout)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = Server(httpd)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
