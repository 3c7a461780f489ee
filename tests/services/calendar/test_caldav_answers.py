"""What a CalDAV server answered is what the user reads: a 500, a 404 or a web page is reported as
such, not as "could not be reached"; and a password never travels over plain http, except to this
computer."""

from __future__ import annotations

import http.server
import socketserver
import threading
from collections.abc import Iterator

import pytest

from repdesk.app import Workspace
from repdesk.services.common.errors import UserError
from repdesk.services.settings.secrets import SecretStore
from tests.services.calendar.test_caldav_sync import MemoryKeyring, caldav_sync


class _Answer(http.server.BaseHTTPRequestHandler):
    answer = "500"

    def _any(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.answer == "html":
            body = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = b"something went wrong"
            self.send_response(int(self.answer))
            self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PROPFIND = do_REPORT = do_PUT = do_MKCALENDAR = do_OPTIONS = _any  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def odd_server() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/dav/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "answer, said",
    [
        ("500", "answered 500 Internal Server Error"),
        ("404", "answered 404 Not Found"),
        ("html", "answered with a web page (text/html), not a calendar"),
    ],
)
def test_what_the_server_answered_is_said(
    workspace: Workspace, odd_server: str, answer: str, said: str
) -> None:
    _Answer.answer = answer
    sync = caldav_sync(workspace, SecretStore(MemoryKeyring()))
    sync.configure(odd_server, "rep", "secret")
    for attempt in (sync.test_connection, sync.push):
        with pytest.raises(UserError) as error:
            attempt()
        message = str(error.value)
        assert message.startswith(f"The CalDAV server at {odd_server} {said}")
        assert "could not be reached" not in message and "\n" not in message


@pytest.mark.parametrize(
    "url", ["http://cloud.example.com/dav/", "http://192.168.1.20:5232/", "HTTP://cal.example.org/"]
)
def test_plain_http_is_refused_except_to_this_computer(workspace: Workspace, url: str) -> None:
    sync = caldav_sync(workspace, SecretStore(MemoryKeyring()))
    with pytest.raises(UserError, match="https://"):
        sync.configure(url, "rep", "secret")
    assert workspace.settings.get("caldav_url") == ""
    for local in ("http://127.0.0.1:5232/", "http://localhost:5232/", "http://[::1]:5232/"):
        sync.configure(local, "rep", "secret")
    sync.configure("https://cloud.example.com/dav/", "rep", "secret")


def test_an_http_address_saved_before_the_rule_is_refused_at_push(workspace: Workspace) -> None:
    workspace.settings.set("caldav_url", "http://cloud.example.com/dav/")
    workspace.settings.set("caldav_username", "rep")
    sync = caldav_sync(workspace, SecretStore(MemoryKeyring()))
    with pytest.raises(UserError, match="https://"):
        sync.push()
