"""An import's rows between its two passes, off the heap: the parsed rows spooled to a temporary
file as compact tuples (the file is read once), and a scratch SQLite file of what pass 1 learned
(how often each match key occurs) and what pass 2 must find again (new leads that later rows may
pair with, the pairs themselves).

Reading the file once, rather than twice with a check that it did not change in between, means
the rows written are exactly the rows read and the parsing (phones, dates) is paid once; a file
that changes while it is being read is refused by the reading (import_reading)."""

from __future__ import annotations

import marshal
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from repdesk.core.dedupe import Identity
from repdesk.core.phones import Phone
from repdesk.formats.lead_file import ParsedLead

_Record = tuple[Any, ...]


def _pack(row: ParsedLead) -> _Record:
    moment = row.received_at
    return (
        row.row,
        row.fields,
        None if moment is None else moment.isoformat(),
        row.extra,
        row.problem,
        tuple(tuple(p) for p in row.phones),
        row.emails,
        row.keys,
    )


def _unpack(record: _Record) -> ParsedLead:
    number, fields, moment, extra, problem, phones, emails, keys = record
    return ParsedLead(
        number,
        fields,
        None if moment is None else datetime.fromisoformat(moment),
        extra,
        problem,
        tuple(Phone(*p) for p in phones),
        emails,
        keys,
    )


class RowSpool:
    """Parsed rows written once in order and read back in order, any number of times."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="repdesk-import-")  # noqa: SIM115
        self.count = 0
        self._writing = True

    def add(self, row: ParsedLead) -> None:
        if not self._writing:
            self._file.seek(0, os.SEEK_END)
            self._writing = True
        marshal.dump(_pack(row), self._file)
        self.count += 1

    def __iter__(self) -> Iterator[ParsedLead]:
        handle = self._file
        handle.flush()
        handle.seek(0)
        self._writing = False
        for _ in range(self.count):
            yield _unpack(marshal.load(handle))

    def close(self) -> None:
        self._file.close()


def key_hash(key: str) -> int:
    """A match key as one integer (this process's string hash): two keys that share one only
    make their rows be matched in memory, where the keys themselves are compared."""
    return hash(key)


class Scratch:
    """A private SQLite file for one run: match-key counts, pairable new leads, pairs."""

    def __init__(self) -> None:
        handle, name = tempfile.mkstemp(prefix="repdesk-import-", suffix=".sqlite3")
        os.close(handle)
        self._path = Path(name)
        self._db = sqlite3.connect(name, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -8192"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.executescript(
            "CREATE TABLE keys (h INTEGER, email INTEGER, ns TEXT, db INTEGER);"
            "CREATE TABLE light (h INTEGER, ord INTEGER, lead_id INTEGER, who BLOB);"
            "CREATE INDEX light_h ON light (h);"
            "CREATE TABLE pairs (a INTEGER, b INTEGER, reason TEXT);"
            "CREATE TABLE ids (ord INTEGER PRIMARY KEY, lead_id INTEGER);"
        )
        self._db.execute("BEGIN")
        self._pending: list[tuple[int, int, str | None, int]] = []

    # -- pass 1: how often each key occurs -----------------------------------------------------
    def count(self, rows: Iterable[tuple[int, int, str | None]], *, db: bool = False) -> None:
        """(key hash, whether the record has an e-mail, for its name key the namespace of its
        stable ids) of rows (or of database leads); written in batches."""
        pending = self._pending
        flag = int(db)
        pending.extend((h, e, ns, flag) for h, e, ns in rows)
        if len(pending) >= 20_000:
            self._flush()

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO keys VALUES (?, ?, ?, ?)", self._pending)
        self._pending.clear()

    def forget_database(self) -> None:
        self._flush()
        self._db.execute("DELETE FROM keys WHERE db = 1")

    def repeated(self) -> dict[int, bool]:
        """Every key hash held by more than one record, with whether its records may be one person
        by it (False only for a name key whose records all have an e-mail, or all a stable id of
        one kind: such records are never one person by their name alone)."""
        self._flush()
        return {
            h: not (email or (kinds == 1 and kind not in ("", "*")))
            for h, email, kinds, kind in self._db.execute(
                "SELECT h, min(email), count(DISTINCT ns), min(ns) FROM keys GROUP BY h "
                "HAVING count(*) > 1"
            )
        }

    # -- pass 2: new leads that later rows may pair with -----------------------------------------
    def keep_light(self, rows: Iterable[tuple[int, int, int, Identity]]) -> None:
        """(name-key hash, order, lead id, identity) of new leads written already."""
        self._db.executemany(
            "INSERT INTO light VALUES (?, ?, ?, ?)",
            (
                (h, order, lead_id, marshal.dumps(_who(identity)))
                for h, order, lead_id, identity in rows
            ),
        )

    def light(self, hashes: Iterable[int]) -> Iterator[tuple[int, int, int, Identity]]:
        wanted = sorted(set(hashes))
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            for h, order, lead_id, who in self._db.execute(
                f"SELECT h, ord, lead_id, who FROM light WHERE h IN ({','.join('?' * len(part))})",
                part,
            ):
                yield h, order, lead_id, _identity(marshal.loads(who))

    # -- pairs, by order until every lead has its id ---------------------------------------------
    def pair(self, first: int, second: int, reason: str) -> None:
        self._db.execute("INSERT INTO pairs VALUES (?, ?, ?)", (first, second, reason))

    def ids(self, rows: Iterable[tuple[int, int]]) -> None:
        """(order, lead id) of the people pairs name."""
        self._db.executemany("INSERT OR REPLACE INTO ids VALUES (?, ?)", rows)

    def pairs(self, size: int) -> Iterator[list[tuple[int, int, str]]]:
        """The pairs as (lead id, other lead id, reason), in the order they were found."""
        cursor = self._db.execute(
            "SELECT a.lead_id, b.lead_id, p.reason FROM pairs p JOIN ids a ON a.ord = p.a "
            "JOIN ids b ON b.ord = p.b ORDER BY p.rowid"
        )
        while batch := cursor.fetchmany(size):
            yield batch

    def pair_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM pairs").fetchone()[0])

    def close(self) -> None:
        self._db.close()
        for suffix in ("", "-journal"):
            Path(str(self._path) + suffix).unlink(missing_ok=True)


def _who(identity: Identity) -> tuple[Any, ...]:
    return (
        tuple(identity.emails),
        tuple(identity.phones),
        tuple(identity.keys),
        identity.first,
        identity.last,
        identity.company,
    )


def _identity(who: tuple[Any, ...]) -> Identity:
    emails, phones, keys, first, last, company = who
    return Identity(frozenset(emails), frozenset(phones), frozenset(keys), first, last, company)
