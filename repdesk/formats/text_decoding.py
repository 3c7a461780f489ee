"""Decide how a lead file's bytes become text: encoding, binary detection, CSV delimiter."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

from repdesk.formats.code_pages import guess_code_page

_HEAD_BYTES = 64 * 1024
_CHUNK_BYTES = 1024 * 1024
_LATIN1_FALLBACK = "repdesk-latin1"


_MAGIC = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)


class LeadFileError(Exception):
    """One sentence for the user: the file cannot be read as leads at all."""


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves five bytes undefined; read them as Latin-1 instead of failing.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)


def read_head(path: Path, size: int = _HEAD_BYTES) -> bytes:
    """The first bytes of the file; LeadFileError when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise LeadFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc


def detect_encoding(path: Path, head: bytes) -> str:
    """Return a codec name for the file ("utf-8-sig", "utf-16", "cp1252", …).

    UTF-8 (with or without BOM) is chosen only when the whole file is valid UTF-8,
    so that a Windows-1252 "é" on row 90,000 does not turn into garbage; other text is read in the
    Windows code page its letters fit (Western, Central European, Cyrillic, Greek, …).
    Raises LeadFileError for an empty or binary file (a spreadsheet workbook is named as such).
    """
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise LeadFileError(f"{path.name} is empty.")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise LeadFileError(
                f"{path.name} is {what}, not a text file; save or export it as CSV first."
            )
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _check_text(path, head, "utf-16", strict=False)
    else:
        guessed = _utf16_without_bom(head)
        if guessed:
            return _check_text(path, head, guessed, strict=False)
        encoding = "utf-8-sig"
    if not _is_utf8(path):
        return _check_text(path, head, guess_code_page(head), strict=True)
    return _check_text(path, head, encoding, strict=False)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    except OSError as exc:
        raise LeadFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    return True


def _check_text(path: Path, head: bytes, encoding: str, *, strict: bool) -> str:
    """Refuse binary data: control characters in the first line (where headers are), or many of
    them.

    Text that decodes cleanly may carry a few control characters in its cells; text that
    only decodes as Windows-1252 (any byte string does) must look like text throughout.
    """
    text = head.decode(encoding, errors="replace")[:8192]
    first_line = text.lstrip("\ufeff\r\n").split("\n", 1)[0]
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n\f")
    limit = len(text) // (50 if strict else 3)
    if controls > limit or any(ch < " " and ch not in "\t\r\f" for ch in first_line):
        raise LeadFileError(f"{path.name} is not a text file (it contains binary data).")
    return encoding


def decode_errors(encoding: str) -> str:
    """The error handler to use with this encoding: never raise while streaming rows."""
    return _LATIN1_FALLBACK if encoding == "cp1252" else "replace"


def decode_bytes(data: bytes, encoding: str) -> str:
    """Decode a whole (small) byte string the way open_text would."""
    return data.decode(encoding, errors=decode_errors(encoding))


class CountingReader(io.BufferedReader):
    """A buffered file that counts the bytes handed out, so progress can be read from any thread."""

    consumed = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.consumed += len(data)
        return data

    def read1(self, size: int = -1, /) -> bytes:
        data = super().read1(size)
        self.consumed += len(data)
        return data


def open_text(path: Path, encoding: str) -> tuple[CountingReader, io.TextIOWrapper]:
    """Open the file as (counting binary handle, text stream with newline='' for csv)."""
    try:
        raw = CountingReader(io.FileIO(path, "rb"), buffer_size=_HEAD_BYTES)
    except OSError as exc:
        raise LeadFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    text = io.TextIOWrapper(raw, encoding=encoding, errors=decode_errors(encoding), newline="")
    text._CHUNK_SIZE = _HEAD_BYTES  # type: ignore[attr-defined]  # fewer, larger decodes
    return raw, text


def sniff_delimiter(sample: str) -> str:
    """Pick ",", ";" or tab from the header line (outside quotes); the next lines break ties.

    A header line with none of them is one column: its cells may hold any of them as text, so the
    pick is the one that splits the next lines least (one cell per row).
    """
    candidates = (",", ";", "\t")
    per_line: list[dict[str, int]] = []
    quoted = False
    line_counts = dict.fromkeys(candidates, 0)
    for ch in sample:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in line_counts:
            line_counts[ch] += 1
        elif ch == "\n":
            per_line.append(line_counts)
            line_counts = dict.fromkeys(candidates, 0)
            if len(per_line) >= 5:
                break
    else:
        per_line.append(line_counts)
    header, rest = per_line[0], per_line[1:]
    if not any(header.values()):
        return min(candidates, key=lambda key: sum(line[key] for line in rest))
    # The header line decides; later lines only break ties.
    score = {key: header[key] * 1000 + sum(line[key] for line in rest) for key in candidates}
    return max(candidates, key=lambda key: (score[key], key == ","))
