"""Talk to the outgoing mail server (SMTP): connect with TLS or STARTTLS, log in, and hand over
one message so that the moment the text is handed over is known to the caller."""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from repdesk.core.hosts import is_loopback

SECURITY = ("starttls", "tls", "none")
TIMEOUT = 30.0


class MailOffline(Exception):
    """The server cannot be reached now, or said "try later" (4xx): waiting and retrying is
    safe, the message was not handed over."""


class MailRefused(Exception):
    """The server refused for good (wrong password, recipient rejected, message refused)."""


class MailUnsure(Exception):
    """The connection broke after the message was handed over: it may have been delivered."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    security: str = "starttls"
    ca_file: str = ""
    timeout: float = TIMEOUT

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def tls_context(ca_file: str) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise MailRefused(f"The CA file {ca_file} cannot be used ({exc}).") from exc


def check_security(settings: SmtpSettings) -> None:
    if settings.security not in SECURITY:
        raise MailRefused(
            f"Security must be one of {', '.join(SECURITY)}, not {settings.security!r}."
        )
    if settings.security == "none" and not is_loopback(settings.host):
        raise MailRefused(
            f"Security 'none' sends the password unencrypted and is only allowed for a server on "
            f"this computer (localhost), not {settings.host}; use starttls or tls."
        )


def connect(settings: SmtpSettings, password: str) -> smtplib.SMTP:
    """A logged-in connection; MailOffline when the server cannot be reached, MailRefused when it
    refuses the certificate or the login."""
    check_security(settings)
    where = settings.where
    conn: smtplib.SMTP | None = None
    try:
        if settings.security == "tls":
            conn = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=tls_context(settings.ca_file),
            )
        else:
            conn = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            conn.ehlo()
            if settings.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise MailRefused(f"The mail server {where} does not offer STARTTLS.")
                conn.starttls(context=tls_context(settings.ca_file))
                conn.ehlo()
        if settings.user:
            conn.login(settings.user, password)
        return conn
    except ssl.SSLCertVerificationError as exc:
        _drop(conn)
        raise MailRefused(
            f"The certificate of {where} is not trusted ({exc.verify_message})."
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        _drop(conn)
        raise MailRefused(
            f"The mail server {where} refused the login for {settings.user} ({_reply(exc)})."
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        _drop(conn)
        raise MailRefused(f"The mail server {where} does not offer a login ({exc}).") from exc
    except MailRefused:
        _drop(conn)
        raise
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        _drop(conn)
        raise MailOffline(f"The mail server {where} cannot be reached ({_text(exc)}).") from exc


def test_login(settings: SmtpSettings, password: str) -> None:
    """Connect and log in once, then say goodbye (the add of an account is refused otherwise)."""
    conn = connect(settings, password)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        conn.quit()


def deliver(
    conn: smtplib.SMTP,
    sender: str,
    recipient: str,
    message: bytes,
    handing_over: Callable[[], None],
) -> str:
    """Send one message on a connection; `handing_over()` runs (and must have recorded it)
    after the server said "go ahead" and before the first byte of the text is sent.

    Returns the server's acceptance reply. Before the hand-over a broken connection raises
    MailOffline; after it MailUnsure; a refusal raises MailRefused (5xx) or MailOffline (4xx).
    """
    try:
        try:
            _expect(conn.mail(sender), (250,), f"the sender {sender}")
            _expect(conn.rcpt(recipient), (250, 251), f"the recipient {recipient}")
            _expect(conn.docmd("DATA"), (354,), "the message")
        except (MailRefused, MailOffline):
            # The server still holds this message's sender: without a reset the next message on
            # the connection is refused as a "nested MAIL command".
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.rset()
            raise
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise MailOffline(f"The connection to the mail server broke ({_text(exc)}).") from exc
    handing_over()
    data = re.sub(rb"(?m)^\.", b"..", message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    try:
        conn.send(data + b".\r\n")
        code, reply = conn.getreply()
    except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
        raise MailUnsure(
            f"The connection broke after the message was handed over ({_text(exc)})."
        ) from exc
    _expect((code, reply), (250,), "the message")
    return reply.decode("utf-8", "replace")


def _expect(answer: tuple[int, bytes], ok: tuple[int, ...], what: str) -> None:
    code, reply = answer
    if code in ok:
        return
    text = f"{code} {reply.decode('utf-8', 'replace').strip()}".strip()
    if 400 <= code < 500:
        raise MailOffline(f"The mail server asked to try {what} again later ({text}).")
    raise MailRefused(f"The mail server refused {what} ({text}).")


def close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        _drop(conn)


def _drop(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            conn.close()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text}".strip()


def _text(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text or type(exc).__name__).rstrip(".")
