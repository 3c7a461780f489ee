"""One running repdesk per database: a second launch hands its arguments to the first and exits."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from repdesk.services.workspace.identity import database_identity

CONNECT_TIMEOUT_MS = 500


def server_name(url: str) -> str:
    """The local socket name for `url`: per user, so two people on one machine never meet, and
    per database file (its device and inode), so a hard link to an open file finds its window."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in a stripped-down environment
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    key = database_identity(url, create=True)
    digest = hashlib.sha256(f"{user}\0{key}".encode()).hexdigest()[:20]
    return f"repdesk-{digest}"


def absolute_arguments(arguments: list[str]) -> list[str]:
    """File paths made absolute (the running instance has another working folder); URIs as given."""
    result = []
    for argument in arguments:
        is_uri = (
            ":" in argument and not Path(argument).exists() and len(argument.split(":", 1)[0]) > 1
        )
        result.append(argument if is_uri else str(Path(argument).expanduser().resolve()))
    return result


def send_to_running(name: str, arguments: list[str]) -> bool:
    """Give `arguments` to the instance listening on `name`; False when there is none."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    payload = json.dumps({"arguments": absolute_arguments(arguments)}).encode() + b"\n"
    socket.write(payload)
    sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS * 4) or socket.bytesToWrite() == 0
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
    return sent


class InstanceServer(QObject):
    """Listens for later launches on the same database and re-emits what they ask for."""

    sig_arguments_received = Signal(list)
    """Emitted with the file paths and URIs a second launch was given (possibly empty)."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}
        if not self.server.listen(name):
            # A socket file left behind by a crashed instance: nobody answered on it (the caller
            # tried to connect first), so it is safe to remove it and listen again.
            QLocalServer.removeServer(name)
            self.server.listen(name)

    def is_listening(self) -> bool:
        return self.server.isListening()

    def close(self) -> None:
        for socket in list(self._buffers):
            self._buffers.pop(socket)
            socket.readyRead.disconnect()
            socket.disconnected.disconnect()
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._finish(s))
            self._read(socket)
            if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
                self._finish(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if socket in self._buffers:
            self._buffers[socket] += bytes(socket.readAll().data())

    def _finish(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return  # already finished (the socket may be in its destructor now: leave it alone)
        self._read(socket)
        data = self._buffers.pop(socket)
        socket.readyRead.disconnect()
        socket.disconnected.disconnect()
        socket.deleteLater()
        try:
            message = json.loads(bytes(data).decode("utf-8") or "{}")
            arguments = [str(a) for a in message.get("arguments", [])]
        except (ValueError, AttributeError, TypeError):
            return  # not one of ours: ignore it rather than act on garbage
        self.sig_arguments_received.emit(arguments)
