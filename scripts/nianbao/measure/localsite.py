"""A built site served from a local HTTP server as GitHub Pages serves a project: under a sub-path, with
404.html for anything missing. For the browser tests and the search benchmark."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit


class SiteHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args, site_dir: Path, prefix: str, **kwargs):
        self.site_dir, self.prefix = site_dir, prefix
        super().__init__(*args, directory=str(site_dir), **kwargs)

    def translate_path(self, path):
        path = urlsplit(path).path
        inside = path.startswith(self.prefix)
        return super().translate_path("/" + path[len(self.prefix):] if inside else "/__outside__")

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.site_dir / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def served(site_dir: Path, prefix: str = "/") -> Iterator[str]:
    """The site's address while the block runs, e.g. http://127.0.0.1:40123/nianbao/."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, site_dir=site_dir, prefix=prefix))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
