"""Inputs shaped to make a parser slow or make it raise, at any size (the growth tests use small
sizes, tests/bench/bench_parsers.py the sizes the issue measured)."""

from __future__ import annotations

from email.message import EmailMessage


def vcard_repeated_labels(count: int) -> bytes:
    """One card with `count` X-ABLABEL lines (20,000 lines: about 253 KB)."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:Ana Ruiz", "EMAIL:ana@x.example"]
    lines += ["X-ABLABEL:a"] * count
    lines.append("END:VCARD")
    return ("\r\n".join(lines) + "\r\n").encode()


def vcard_soft_breaks(size: int) -> bytes:
    """One vCard 2.1 card whose quoted-printable NOTE runs over soft line breaks for `size`
    bytes."""
    head = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ana Ruiz\r\nEMAIL:ana@x.example\r\n"
    head += "NOTE;ENCODING=QUOTED-PRINTABLE:"
    line = "Caf=C3=A9 au lait, s'il vous pla=C3=AEt=\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return (head + body + "fin\r\nEND:VCARD\r\n").encode()


def form_mail(size: int) -> bytes:
    """A form notification whose message field runs on for `size` bytes."""
    msg = EmailMessage()
    msg["From"] = "WordPress <noreply@shop.example>"
    msg["To"] = "leads@shop.example"
    msg["Subject"] = "New contact form submission"
    line = "I would like a quote for twelve oak chairs delivered to the site office.\n"
    text = "Name: Ana Ruiz\nEmail: ana@x.example\nMessage: " + line * max(1, size // len(line))
    msg.set_content(text)
    return msg.as_bytes()


def subject_of_encoded_words(count: int) -> bytes:
    """A form mail whose Subject is `count` RFC 2047 encoded words."""
    subject = " ".join(f"=?utf-8?q?Anfrage_{i % 10}?=" for i in range(count))
    return (
        "From: Ana Ruiz <ana@x.example>\r\nTo: leads@shop.example\r\n"
        f"Subject: {subject}\r\nContent-Type: text/plain\r\n\r\nName: Ana Ruiz\r\n"
    ).encode()


def nested_mime(depth: int) -> bytes:
    """multipart/mixed nested `depth` deep, with the form's text in the innermost part."""
    parts = ["From: Ana Ruiz <ana@x.example>\r\nSubject: Quote\r\nMIME-Version: 1.0\r\n"]
    for level in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n')
    parts.append("Content-Type: text/plain\r\n\r\nName: Ana Ruiz\r\nEmail: ana@x.example\r\n")
    for level in reversed(range(depth)):
        parts.append(f"--b{level}--\r\n")
    return "".join(parts).encode()


def charset_with_nul() -> bytes:
    return (
        b"From: Ana Ruiz <ana@x.example>\r\nSubject: Quote\r\n"
        b'Content-Type: text/plain; charset="utf\x008"\r\n\r\nName: Ana Ruiz\r\n'
    )


def nested_condition(depth: int) -> str:
    return "(" * depth + "need = yes" + ")" * depth


def long_column_name(size: int) -> bytes:
    """A CSV whose second column's name is `size` characters long."""
    return ("Email," + "X" * size + "\nana@x.example,1\n").encode()
