"""The keyring: a real Secret Service (scripts/with-keyring) stores passwords; no backend means a
clear refusal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from repdesk.cli import main
from repdesk.services.settings.secrets import SecretStore, SecretsUnavailable, usable_backend


@pytest.fixture
def fail_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def secret_service() -> object:
    backend = keyring.get_keyring()
    candidates = getattr(backend, "backends", [backend])
    for candidate in candidates:
        if type(candidate).__module__ == "keyring.backends.SecretService":
            try:
                candidate.get_password("repdesk-probe", "probe")
            except Exception as exc:  # no session bus, locked, no daemon
                pytest.skip(
                    f"the Secret Service is not usable here ({exc}); run under scripts/with-keyring"
                )
            return candidate
    pytest.skip(
        f"no Secret Service keyring ({type(backend).__module__}); run under scripts/with-keyring"
    )


@pytest.mark.integration
def test_secret_service_round_trip() -> None:
    store = SecretStore(secret_service())
    key = f"caldav:https://cal.test/{uuid.uuid4().hex}"
    store.set_password(key, "me@cal.test", "pä$$ wörd")
    assert store.get_password(key, "me@cal.test") == "pä$$ wörd"
    store.delete_password(key, "me@cal.test")
    with pytest.raises(Exception, match="has no password"):
        store.get_password(key, "me@cal.test")
    store.delete_password(key, "me@cal.test")  # forgetting twice is fine


@pytest.mark.integration
def test_cli_stores_imap_password_in_the_secret_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    backend = secret_service()
    db = str(tmp_path / "w.sqlite3")
    monkeypatch.setattr("sys.stdin", _Stdin("imap-Secret-42\n"))
    assert (
        main(
            [
                "--db",
                db,
                "source",
                "add",
                "imap",
                "--host",
                "imap.example.com",
                "--port",
                "993",
                "--user",
                "rep@example.com",
            ]
        )
        == 0
    )
    assert "system keyring" in capsys.readouterr().out
    assert backend.get_password("repdesk", "imap:1:rep@example.com") == "imap-Secret-42"  # type: ignore[attr-defined]
    assert b"imap-Secret-42" not in b"".join(
        p.read_bytes() for p in tmp_path.iterdir() if p.is_file()
    )
    assert main(["--db", db, "source", "remove", "1"]) == 0
    assert backend.get_password("repdesk", "imap:1:rep@example.com") is None  # type: ignore[attr-defined]


def test_no_keyring_refuses_to_add_a_mailbox_and_stores_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fail_keyring: None,
) -> None:
    db = str(tmp_path / "w.sqlite3")
    monkeypatch.setattr("sys.stdin", _Stdin("hunter2\n"))
    code = main(
        [
            "--db",
            db,
            "source",
            "add",
            "imap",
            "--host",
            "imap.example.com",
            "--port",
            "993",
            "--user",
            "rep@example.com",
        ]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert err.count("\n") == 1 and "No system keyring" in err and err.rstrip().endswith(".")
    assert main(["--db", db, "source", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    assert b"hunter2" not in b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())


def test_fail_null_and_plaintext_backends_are_refused(fail_keyring: None) -> None:
    with pytest.raises(SecretsUnavailable, match="No system keyring"):
        SecretStore().set_password("imap:1", "u", "p")
    import keyring.backends.null

    assert not usable_backend(keyring.backends.fail.Keyring())
    assert not usable_backend(keyring.backends.null.Keyring())

    class PlaintextKeyring:  # keyrings.alt's name for its file backend
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    assert not usable_backend(PlaintextKeyring())


class _Stdin:
    """Piped standard input (not a terminal)."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines(keepends=True)

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return self._lines.pop(0) if self._lines else ""
