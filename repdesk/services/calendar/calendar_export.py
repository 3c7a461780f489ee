"""Follow-ups as calendar reminders: build them, export an .ics file atomically and remember what
was exported."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.contact import display_name
from repdesk.core.domain import ActivityKind, FollowUpStatus
from repdesk.formats.ics import Reminder, build_ics
from repdesk.services.common.errors import UserError
from repdesk.store.models import (
    ActivityRecord,
    FollowUpRecord,
    LeadRecord,
    QualificationRecord,
    RepRecord,
)

Progress = Callable[[int, int], None]
_CHUNK = 2000


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
        return f"Exported {self.events} reminder{'s' if self.events != 1 else ''}{extra}{where}."


@dataclass(frozen=True)
class _Item:
    """One follow-up chosen for export, with the sequence it had when read."""

    id: int
    sequence: int
    reminder: Reminder


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
        progress: Progress | None = None,
    ) -> list[Reminder]:
        """Pending follow-ups in the filter as reminders, plus earlier-exported ones that changed
        since."""
        with self._sessions() as session:
            return [
                item.reminder
                for item in self._items(session, flt, alarm_minutes, include_changed, progress)
            ]

    def _items(
        self,
        session: Session,
        flt: ExportFilter,
        alarm_minutes: int | None,
        include_changed: bool,
        progress: Progress | None,
    ) -> list[_Item]:
        alarm = int(self._setting("alarm_minutes")) if alarm_minutes is None else alarm_minutes
        if alarm < 0:
            raise UserError(f"Alarm minutes must be 0 or more, not {alarm}.")
        minutes = max(1, int(self._setting("event_minutes") or 15))
        pending = FollowUpRecord.status == FollowUpStatus.PENDING.value
        # A lead marked do not contact has no reminders (its steps were cancelled with the mark;
        # a pending one left by an older version stays out too).
        in_range = [pending, LeadRecord.do_not_contact.is_(False)]
        if flt.start is not None:
            in_range.append(FollowUpRecord.due_at >= flt.start)
        if flt.end is not None:
            in_range.append(FollowUpRecord.due_at < flt.end)
        # A follow-up exported before and changed since goes out whatever its date: moved out of the
        # range it must still move in the calendar, and done or cancelled it must disappear there.
        changed = and_(
            FollowUpRecord.exported_sequence.is_not(None),
            FollowUpRecord.exported_sequence < FollowUpRecord.sequence,
        )
        wanted = or_(and_(*in_range), changed) if include_changed else and_(*in_range)
        stmt = (
            select(FollowUpRecord, LeadRecord, RepRecord.name)
            .join(LeadRecord, LeadRecord.id == FollowUpRecord.lead_id)
            .outerjoin(RepRecord, RepRecord.id == LeadRecord.owner_id)
            .where(wanted)
            .order_by(FollowUpRecord.due_at, FollowUpRecord.id)
        )
        if flt.lead_id is not None:
            stmt = stmt.where(FollowUpRecord.lead_id == flt.lead_id)
        if flt.owner:
            stmt = stmt.where(RepRecord.name == flt.owner)
        rows: list[tuple[FollowUpRecord, LeadRecord, str | None]] = [
            (f, lead, rep) for f, lead, rep in session.execute(stmt)
        ]
        lead_ids = sorted({lead.id for _f, lead, _r in rows})
        notes = _latest_notes(session, lead_ids)
        questions = _open_questions(session, lead_ids)
        items: list[_Item] = []
        for number, (f, lead, _rep) in enumerate(rows, start=1):
            reminder = to_reminder(
                f,
                lead,
                minutes=minutes,
                alarm=alarm,
                last_note=notes.get(lead.id, ""),
                open_questions=questions.get(lead.id, ()),
            )
            items.append(_Item(f.id, f.sequence, reminder))
            if progress is not None and number % 500 == 0:
                progress(number, len(rows))
        if progress is not None:
            progress(len(rows), len(rows))
        return items

    # -- writing ---------------------------------------------------------------------------------
    def export(
        self,
        path: Path,
        flt: ExportFilter = ExportFilter(),
        *,
        alarm_minutes: int | None = None,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Write the .ics file atomically, then mark what it holds as exported (one transaction)."""
        path = Path(path).expanduser()
        self._before_export()
        now = self._clock()
        with self._sessions.begin() as session:
            items = self._items(session, flt, alarm_minutes, True, progress)
            text = build_ics([i.reminder for i in items], now=now)
            write_atomically(path, text)
            mark_exported(session, [(i.id, i.sequence) for i in items])
        cancelled = sum(1 for i in items if i.reminder.cancelled)
        return ExportResult(path, len(items), cancelled)


def mark_exported(session: Session, pairs: Sequence[tuple[int, int]]) -> None:
    """exported_sequence = the sequence that was written (a change made meanwhile stays
    unexported)."""
    table = cast(Table, FollowUpRecord.__table__)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(exported_sequence=bindparam("b_seq"))
    )
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start : start + _CHUNK]
        session.connection().execute(stmt, [{"b_id": i, "b_seq": s} for i, s in chunk])


def write_atomically(path: Path, text: str) -> None:
    """Temp file in the same folder, then rename: readers see the old file or the new one, never
    half."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{path} is a folder; choose a file name for the calendar.")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(
            f"The calendar file cannot be written to {folder} ({exc.strerror or exc})."
        ) from exc
    try:
        # mkstemp makes the file private (0600); the calendar gets the mode any file the user
        # writes gets (umask), or keeps the mode the user gave the one it replaces.
        os.chmod(temp, _mode_for(path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(
            f"The calendar file {path} cannot be written ({exc.strerror or exc})."
        ) from exc


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def to_reminder(
    f: FollowUpRecord,
    lead: LeadRecord,
    *,
    minutes: int,
    alarm: int | None,
    last_note: str = "",
    open_questions: Iterable[str] = (),
) -> Reminder:
    """One follow-up as a calendar event; cancelled when the step is done or cancelled."""
    name = display_name(lead)
    who = f"{name} ({lead.company})" if lead.company and lead.company != name else name
    summary = {"call": f"Call {who}", "email": f"Email {who}"}.get(f.kind)
    if summary is None:
        summary = f"Task: {f.note} — {who}" if f.note else f"Task: {who}"
    lines = []
    tel = tel_uri(lead.phone)
    for label, value in (("Phone", lead.phone), ("Email", lead.email), ("Company", lead.company)):
        if value:
            lines.append(f"{label}: {value}" + (f" ({tel})" if label == "Phone" and tel else ""))
    if last_note:
        lines.append(f"Last note: {last_note}")
    if lead.verdict:
        verdict = lead.verdict.replace("_", " ")
        lines.append(
            f"Verdict: {verdict}" + (f" (score {lead.score})" if lead.score is not None else "")
        )
    asks = [f.note] if f.note else []
    asks += list(open_questions)
    if asks:
        lines.append("Ask: " + "; ".join(asks))
    # The tel: link is the event's URL and is in its description; LOCATION is a place, and
    # calendars that look a tel: link up on a map (or refuse it) get none.
    return Reminder(
        uid=f.uid,
        sequence=f.sequence,
        start=f.due_at,
        duration_minutes=minutes,
        summary=summary,
        description="\n".join(lines),
        url=tel,
        cancelled=f.status != FollowUpStatus.PENDING.value,
        alarm_minutes=alarm,
        last_modified=f.updated_at,
    )


def tel_uri(phone: str) -> str | None:
    """`tel:+15551234567` for a dialable number (RFC 3966 global form when it starts with +)."""
    digits = "".join(c for c in phone if c.isdigit())
    if not digits:
        return None
    return f"tel:+{digits}" if phone.strip().startswith("+") else f"tel:{digits}"


def _latest_notes(session: Session, lead_ids: Sequence[int]) -> dict[int, str]:
    """The newest note activity per lead; leads without one fall back to their notes field."""
    found: dict[int, str] = {}
    for start in range(0, len(lead_ids), _CHUNK):
        chunk = list(lead_ids[start : start + _CHUNK])
        newest = (
            select(ActivityRecord.lead_id, func.max(ActivityRecord.id).label("last_id"))
            .where(
                ActivityRecord.lead_id.in_(chunk),
                ActivityRecord.kind == ActivityKind.NOTE.value,
                ActivityRecord.body != "",
            )
            .group_by(ActivityRecord.lead_id)
            .subquery()
        )
        for lead_id, body in session.execute(
            select(ActivityRecord.lead_id, ActivityRecord.body).join(
                newest, ActivityRecord.id == newest.c.last_id
            )
        ):
            found[lead_id] = body
        for lead_id, notes in session.execute(
            select(LeadRecord.id, LeadRecord.notes).where(
                LeadRecord.id.in_(chunk), LeadRecord.notes != ""
            )
        ):
            found.setdefault(lead_id, notes.strip().splitlines()[-1] if notes.strip() else "")
    return {k: v for k, v in found.items() if v}


def _open_questions(session: Session, lead_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Required questions that apply but the lead's latest qualification left unanswered (their
    prompts)."""
    from repdesk.core.scoring import applicable_questions, effective_answers
    from repdesk.core.verdict_rules import asked_questions
    from repdesk.services.script.answer_json import answers_from_json
    from repdesk.services.script.script_service import sets_by_ids

    result: dict[int, tuple[str, ...]] = {}
    questions_of: dict[tuple[int, ...], list[Any]] = {}
    for start in range(0, len(lead_ids), _CHUNK):
        chunk = list(lead_ids[start : start + _CHUNK])
        newest = (
            select(func.max(QualificationRecord.id))
            .where(QualificationRecord.lead_id.in_(chunk))
            .group_by(QualificationRecord.lead_id)
        )
        for q in session.scalars(
            select(QualificationRecord).where(QualificationRecord.id.in_(newest))
        ):
            key = tuple(q.set_ids or [])
            if key not in questions_of:
                questions_of[key] = asked_questions(sets_by_ids(session, list(key)))
            questions = questions_of[key]
            answers = answers_from_json(questions, q.answers or {})
            given = effective_answers(questions, answers)
            prompts = [
                x.prompt
                for x in applicable_questions(questions, answers)
                if x.required and x.key not in given
            ]
            if prompts:
                result[q.lead_id] = tuple(prompts)
    return result
