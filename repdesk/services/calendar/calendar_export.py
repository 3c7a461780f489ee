"""Follow-ups as calendar reminders: read in batches and streamed into an .ics file that replaces
the old one atomically; what was written is remembered in the same transaction (flat memory)."""

from __future__ import annotations

import heapq
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from sqlalchemy import ColumnElement, and_, func, not_, select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.calendar_uids import follow_up_uid
from repdesk.core.counting import counted
from repdesk.formats.ics import Reminder, ics_events, ics_footer, ics_header, ics_stamp
from repdesk.services.calendar.reminder_rows import (
    STEP_COLUMNS,
    StepRow,
    latest_notes,
    open_questions,
    tel_uri,
    to_reminder,
)
from repdesk.services.calendar.tombstones import mark_cancellations_sent, pending_cancellations
from repdesk.services.common.errors import UserError
from repdesk.services.common.keyset import keyset_rows
from repdesk.services.team import owner_scope
from repdesk.store.models import (
    CHANGED_SINCE_EXPORT,
    DO_NOT_CONTACT,
    PENDING_STEP,
    FollowUpRecord,
    LeadRecord,
)

Progress = Callable[[int, int], None]
BATCH = 2000

__all__ = [
    "CalendarExportService",
    "ExportFilter",
    "ExportResult",
    "Progress",
    "tel_uri",
    "to_reminder",
    "write_atomically",
]


@dataclass(frozen=True)
class ExportFilter:
    """Which follow-ups to export: due in [start, end), one lead, one owner (rep name)."""

    start: datetime | None = None
    end: datetime | None = None
    lead_id: int | None = None
    owner: str | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path | None
    events: int
    cancelled: int

    @property
    def message(self) -> str:
        where = f" to {self.path}" if self.path else ""
        extra = f" ({self.cancelled} cancelled)" if self.cancelled else ""
        return f"Exported {counted(self.events, 'reminder')}{extra}{where}."


class _Selection:
    """The steps an export writes, as two index-served parts: pending steps due in the range
    (the partial index on pending due times) and steps exported before and changed since, which
    go out whatever their date (moved out of the range they must still move in the calendar; done
    or cancelled they must disappear there)."""

    def __init__(self, flt: ExportFilter, include_changed: bool) -> None:
        shared: list[ColumnElement[bool]] = []
        if flt.lead_id is not None:
            shared.append(FollowUpRecord.lead_id == flt.lead_id)
        if flt.owner:
            # The rep-by-name rule of services/team/owner_scope (the inbox, Today, Reports).
            owned = select(LeadRecord.id).where(owner_scope.owned_by(flt.owner))
            shared.append(FollowUpRecord.lead_id.in_(owned))
        due: list[ColumnElement[bool]] = []
        if flt.start is not None:
            due.append(FollowUpRecord.due_at >= flt.start)
        if flt.end is not None:
            due.append(FollowUpRecord.due_at < flt.end)
        # A lead marked do not contact has no reminders (its steps were cancelled with the mark;
        # a pending one left by an older version stays out too): the few such leads, by their
        # partial index.
        contactable = FollowUpRecord.lead_id.not_in(select(LeadRecord.id).where(DO_NOT_CONTACT))
        self.pending = [PENDING_STEP, *due, contactable, *shared]
        self.changed = (
            [CHANGED_SINCE_EXPORT, not_(and_(PENDING_STEP, *due)), *shared]
            if include_changed
            else None
        )

    def parts(self) -> list[list[ColumnElement[bool]]]:
        return [self.pending] + ([self.changed] if self.changed is not None else [])

    def count(self, session: Session) -> int:
        return sum(
            int(session.scalar(select(func.count()).select_from(FollowUpRecord).where(*w)) or 0)
            for w in self.parts()
        )

    def rows(self, session: Session) -> Iterator[StepRow]:
        """Every selected step once, by due time then id, read BATCH rows at a time."""
        streams = [_keyset(session, where) for where in self.parts()]
        return heapq.merge(*streams, key=lambda r: (r.due_at, r.id))

    def mark_exported(self, session: Session) -> None:
        """exported_sequence = sequence for what was read. Set-based, in the export's transaction:
        SQLite refuses the write if anybody committed since the reads began (the snapshot is
        stale), PostgreSQL runs the export in REPEATABLE READ, so a step changed meanwhile makes
        the export fail rather than be marked with a sequence that was never written."""
        # Only rows whose mark changes are written: an export again of an unchanged calendar
        # rewrites no row (on a million steps, the rewrite was most of a minute).
        unmarked = FollowUpRecord.exported_sequence.is_distinct_from(FollowUpRecord.sequence)
        for where in self.parts():  # pending first: those are then no longer 'changed'
            session.execute(
                update(FollowUpRecord)
                .where(*where, unmarked)
                .values(exported_sequence=FollowUpRecord.sequence)
                .execution_options(synchronize_session=False)
            )


def _keyset(session: Session, where: list[ColumnElement[bool]]) -> Iterator[StepRow]:
    """Rows in (due_at, id) order by keyset pages (services.common.keyset: a million steps may
    share one due time; OFFSET would walk them again each page)."""
    base = (
        select(*STEP_COLUMNS)
        .join(LeadRecord, LeadRecord.id == FollowUpRecord.lead_id)
        .where(*where)
    )
    rows = keyset_rows(
        session, base, (FollowUpRecord.due_at, FollowUpRecord.id), key=lambda r: (r[2], r[0])
    )
    return (StepRow(*row) for row in rows)


class CalendarExportService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        settings: Callable[[str], Any],
        before_export: Callable[[], object] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._setting = settings
        self._before_export = before_export
        """Run before an export writes its file (plans the re-qualify steps of expired verdicts)."""

    # -- reading ---------------------------------------------------------------------------------
    def reminders(
        self,
        flt: ExportFilter = ExportFilter(),
        *,
        alarm_minutes: int | None = None,
        include_changed: bool = True,
    ) -> list[Reminder]:
        """Pending follow-ups in the filter as reminders, plus earlier-exported ones that changed
        since (a short list; exports and pushes read reminder_batches)."""
        return [
            r
            for batch in self.reminder_batches(
                flt, alarm_minutes=alarm_minutes, include_changed=include_changed
            )
            for r in batch
        ]

    def reminder_batches(
        self,
        flt: ExportFilter = ExportFilter(),
        *,
        alarm_minutes: int | None = None,
        include_changed: bool = True,
    ) -> Iterator[list[Reminder]]:
        """The reminders of reminders(), BATCH at a time, read as they are needed."""
        with self._sessions() as session:
            selection = _Selection(flt, include_changed)
            yield from self._batches(session, selection, alarm_minutes)

    def _batches(
        self, session: Session, selection: _Selection, alarm_minutes: int | None
    ) -> Iterator[list[Reminder]]:
        alarm = int(self._setting("alarm_minutes")) if alarm_minutes is None else alarm_minutes
        if alarm < 0:
            raise UserError(f"Alarm minutes must be 0 or more, not {alarm}.")
        minutes = max(1, int(self._setting("event_minutes") or 15))
        workspace_id = str(self._setting("workspace_id"))
        questions_of: dict[tuple[int, ...], list[Any]] = {}
        rows = selection.rows(session)
        while batch := list(islice(rows, BATCH)):
            lead_ids = sorted({step.lead_id for step in batch})
            notes = latest_notes(session, lead_ids)
            asks = open_questions(session, lead_ids, questions_of)
            yield [
                to_reminder(
                    step,
                    uid=follow_up_uid(step.id, workspace_id, step.legacy_uid),
                    minutes=minutes,
                    alarm=alarm,
                    last_note=notes.get(step.lead_id, ""),
                    open_questions=asks.get(step.lead_id, ()),
                )
                for step in batch
            ]

    # -- writing ---------------------------------------------------------------------------------
    def export(
        self,
        path: Path,
        flt: ExportFilter = ExportFilter(),
        *,
        alarm_minutes: int | None = None,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Stream the .ics into a temporary file beside `path`, mark what it holds as exported,
        then rename it over `path` (one transaction; a failure or Cancel leaves the old file and
        marks nothing)."""
        path = Path(path).expanduser()
        self._before_export()
        now = self._clock()
        stamp = ics_stamp(now)
        events = cancelled = 0
        with self._sessions.begin() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            selection = _Selection(flt, include_changed=True)
            total = selection.count(session)
            with AtomicFile(path) as out:
                out.write(ics_header())
                for batch in self._batches(session, selection, alarm_minutes):
                    out.write(ics_events(batch, stamp))
                    events += len(batch)
                    cancelled += sum(1 for r in batch if r.cancelled)
                    if progress is not None:
                        progress(min(events, total), max(total, events))
                # Steps that went with their lead (an undone import) leave the calendar as
                # cancelled, under the UID they were exported with.
                minutes = max(1, int(self._setting("event_minutes") or 15))
                gone = [] if flt.lead_id is not None else pending_cancellations(session, minutes)
                if gone:
                    out.write(ics_events(gone, stamp))
                    events += len(gone)
                    cancelled += len(gone)
                out.write(ics_footer())
                if progress is not None:
                    progress(events, events)  # the last chance to cancel: nothing is written yet
                selection.mark_exported(session)
                mark_cancellations_sent(session, [g.uid for g in gone])
                out.commit()
        return ExportResult(path, events, cancelled)


class AtomicFile:
    """A text file written beside its target and renamed over it on commit(): readers see the old
    file or the new one, never half. Leaving the block without commit() removes the temp file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        folder = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            raise UserError(f"{path} is a folder; choose a file name for the calendar.")
        try:
            handle, self._temp = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=folder
            )
        except OSError as exc:
            raise UserError(
                f"The calendar file cannot be written to {folder} ({exc.strerror or exc})."
            ) from exc
        self._out: IO[str] = os.fdopen(handle, "w", encoding="utf-8", newline="")
        self._done = False
        try:
            # mkstemp makes the file private (0600); the calendar gets the mode any file the user
            # writes gets (umask), or keeps the mode the user gave the one it replaces.
            os.chmod(self._temp, _mode_for(path))
        except OSError as exc:
            self.__exit__()
            raise self._failed(exc) from exc

    def __enter__(self) -> AtomicFile:
        return self

    def write(self, text: str) -> None:
        try:
            self._out.write(text)
        except OSError as exc:
            raise self._failed(exc) from exc

    def commit(self) -> None:
        try:
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            os.replace(self._temp, self.path)
        except OSError as exc:
            raise self._failed(exc) from exc
        self._done = True

    def _failed(self, exc: OSError) -> UserError:
        return UserError(
            f"The calendar file {self.path} cannot be written ({exc.strerror or exc})."
        )

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self._out.close()
            Path(self._temp).unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    """The whole of `text` into `path` atomically (temp file beside it, then rename)."""
    with AtomicFile(path) as out:
        out.write(text)
        out.commit()


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
