"""Push follow-ups to a CalDAV calendar: creations, updates (higher SEQUENCE) and cancellations
(delete)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from repdesk.core.calendar_uids import follow_up_id_of
from repdesk.core.domain import FollowUpStatus
from repdesk.core.hosts import plain_http_elsewhere
from repdesk.formats.ics import Reminder, build_ics
from repdesk.services.calendar.calendar_export import CalendarExportService, ExportFilter
from repdesk.services.calendar.tombstones import buried_uids
from repdesk.services.common.errors import UserError
from repdesk.services.settings.secrets import SecretStore
from repdesk.store.models import PENDING_STEP, FollowUpRecord

CALENDAR_NAME = "repdesk follow-ups"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PushResult:
    created: int
    updated: int
    cancelled: int
    unchanged: int
    calendar: str

    @property
    def message(self) -> str:
        return (
            f"Pushed to {self.calendar}: {self.created} new, {self.updated} updated, "
            f"{self.cancelled} removed, {self.unchanged} unchanged."
        )


@dataclass(frozen=True)
class CalDavConfig:
    url: str
    username: str

    @property
    def secret_key(self) -> str:
        return f"caldav:{self.url}"


class CalDavSync:
    """URL and user name live in settings; the password only in the system keyring."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        settings: Any,
        secrets: SecretStore,
        export: CalendarExportService,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._settings = settings
        self._secrets = secrets
        self._export = export

    # -- configuration ---------------------------------------------------------------------------
    def config(self) -> CalDavConfig:
        return CalDavConfig(
            str(self._settings.get("caldav_url") or ""),
            str(self._settings.get("caldav_username") or ""),
        )

    def configure(self, url: str, username: str, password: str | None) -> None:
        """Save URL and user name; a non-empty password goes to the keyring (never to the
        database)."""
        url, username = url.strip(), username.strip()
        if url and not url.startswith(("http://", "https://")):
            raise UserError(
                "The CalDAV address must start with https:// (or http:// for a local server)."
            )
        _refuse_plain_http(url)
        if password:
            self._secrets.set_password(CalDavConfig(url, username).secret_key, username, password)
        self._settings.set("caldav_url", url)
        self._settings.set("caldav_username", username)

    def forget_password(self) -> None:
        cfg = self.config()
        self._secrets.delete_password(cfg.secret_key, cfg.username)

    # -- server ----------------------------------------------------------------------------------
    def _calendar(self) -> Any:
        cfg = self.config()
        if not cfg.url or not cfg.username:
            raise UserError("Set the CalDAV address and user name in Settings first.")
        _refuse_plain_http(cfg.url)  # an address saved before the rule
        password = self._secrets.get_password(cfg.secret_key, cfg.username)
        try:
            import caldav
        except ImportError as exc:
            raise UserError(
                "CalDAV needs the Python package 'caldav'; install it to push follow-ups."
            ) from exc
        try:
            client = caldav.DAVClient(
                url=cfg.url, username=cfg.username, password=password, timeout=30
            )  # type: ignore[operator]
            _check_answer(client, cfg.url)
            principal = client.principal()
            calendars = principal.calendars()
            wanted = cfg.url.rstrip("/")
            for calendar in calendars:  # the address may name one calendar collection directly
                if str(calendar.url).rstrip("/") == wanted:
                    return calendar
            for calendar in calendars:
                if calendar.get_display_name() == CALENDAR_NAME:
                    return calendar
            return principal.make_calendar(name=CALENDAR_NAME, cal_id="repdesk-follow-ups")
        except UserError:
            raise
        except Exception as exc:  # caldav raises its own errors, niquests' and socket errors
            raise UserError(_failure(cfg.url, exc)) from exc

    def test_connection(self) -> str:
        calendar = self._calendar()
        try:
            count = len(calendar.events())
        except Exception as exc:
            raise UserError(f"The CalDAV calendar could not be read ({_short(exc)}).") from exc
        name = calendar.get_display_name() or CALENDAR_NAME
        return f"Connected: calendar “{name}” holds {count} events."

    def server_state(self) -> dict[str, tuple[int, Any]]:
        """UID → (SEQUENCE, server object) of every event on the calendar."""
        return _events_by_uid(self._calendar())

    def push(self, progress: Progress | None = None, *, owner: str | None = None) -> PushResult:
        """Make the calendar match the follow-ups: pending ones present and current, the rest
        gone. Steps are read and sent a batch at a time (memory stays flat); a push stopped half
        way (Cancel, a server error) is finished by the next one."""
        calendar = self._calendar()
        try:
            on_server = _events_by_uid(calendar)
            flt = ExportFilter(owner=owner)
            gone = self._finished_uids(set(on_server))
            with self._sessions() as session:
                pending = session.scalar(
                    select(func.count()).select_from(FollowUpRecord).where(PENDING_STEP)
                )
            total = int(pending or 0) + len(gone)
            created = updated = unchanged = number = 0
            now = self._clock()
            for batch in self._export.reminder_batches(flt, include_changed=False):
                for reminder in batch:
                    number += 1
                    current = on_server.get(reminder.uid)
                    # increase_seqno=False: SEQUENCE is ours (the same as in the .ics export), not
                    # caldav's.
                    if current is None:
                        calendar.add_event(_single(reminder, now), increase_seqno=False)
                        created += 1
                    elif current[0] < reminder.sequence:
                        current[1].data = _single(reminder, now)
                        current[1].save(increase_seqno=False)
                        updated += 1
                    else:
                        unchanged += 1
                    if progress is not None:
                        progress(number, max(total, number))
            for uid in gone:
                on_server[uid][1].delete()
                number += 1
                if progress is not None:
                    progress(number, max(total, number))
        except UserError:
            raise
        except Exception as exc:
            raise UserError(f"Pushing to the CalDAV server failed ({_short(exc)}).") from exc
        return PushResult(
            created, updated, len(gone), unchanged, calendar.get_display_name() or CALENDAR_NAME
        )

    def _finished_uids(self, uids: set[str]) -> list[str]:
        """Of these server UIDs, the follow-ups that are done or cancelled here (others are left
        alone): a derived UID names its step's id, an older step is found by its stored UID."""
        if not uids:
            return []
        workspace_id = str(self._settings.get("workspace_id"))
        by_id = {
            step: uid for uid in uids if (step := follow_up_id_of(uid, workspace_id)) is not None
        }
        legacy = sorted(uids - set(by_id.values()))
        ids = sorted(by_id)
        found: list[str] = []
        finished = FollowUpRecord.status != FollowUpStatus.PENDING.value
        with self._sessions() as session:
            for start in range(0, len(ids), 1000):
                found += (
                    by_id[step]
                    for step in session.scalars(
                        select(FollowUpRecord.id).where(
                            FollowUpRecord.id.in_(ids[start : start + 1000]), finished
                        )
                    )
                )
            for start in range(0, len(legacy), 1000):
                found += session.scalars(
                    select(FollowUpRecord.legacy_uid).where(
                        FollowUpRecord.legacy_uid.in_(legacy[start : start + 1000]), finished
                    )
                )
            found += buried_uids(session, sorted(uids))  # steps whose lead an undo removed
        return sorted({uid for uid in found if uid})


def _single(reminder: Reminder, now: datetime) -> str:
    # RFC 4791 4.1: a calendar object resource must not carry METHOD (build_ics writes none).
    return build_ics([reminder], now=now)


def _events_by_uid(calendar: Any) -> dict[str, tuple[int, Any]]:
    found: dict[str, tuple[int, Any]] = {}
    for obj in calendar.events():
        for component in obj.icalendar_instance.walk("VEVENT"):
            uid = str(component.get("UID", ""))
            if uid:
                found[uid] = (int(component.get("SEQUENCE", 0)), obj)
    return found


_PROPFIND = (
    '<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><resourcetype/></prop>'
    "</propfind>"
)
_STATUS = re.compile(r"\b([1-5]\d\d) ([A-Za-z][A-Za-z -]{1,40})")


def _refuse_plain_http(url: str) -> None:
    if plain_http_elsewhere(url):
        raise UserError(
            f"{url} would send the calendar password unencrypted; use its https:// address "
            "(http:// is only for a CalDAV server on this computer)."
        )


def _check_answer(client: Any, url: str) -> None:
    """Ask the address what it is (PROPFIND, depth 0) and say what it answered when that is not a
    CalDAV server: an error status, or a web page."""
    response = client.request(
        url, "PROPFIND", _PROPFIND, {"Depth": "0", "Content-Type": "application/xml"}
    )
    status = int(getattr(response, "status", 0) or 0)
    kind = str((getattr(response, "headers", None) or {}).get("Content-Type", "")).split(";")[0]
    if status >= 400:
        reason = str(getattr(response, "reason", "") or "").strip()
        raise UserError(_answered(url, f"{status} {reason}".strip()))
    if kind.strip().lower() == "text/html":
        raise UserError(
            f"The CalDAV server at {url} answered with a web page (text/html), not a calendar; "
            "check the address (it is often the calendar's own URL, ending in /)."
        )


def _answered(url: str, status: str) -> str:
    code = status[:3]
    why = {
        "401": "the user name or password was refused",
        "403": "this user may not use that calendar",
        "404": "there is no calendar at that address; check it",
    }.get(code, "the server's own fault; try again later" if code.startswith("5") else "")
    return f"The CalDAV server at {url} answered {status}" + (f": {why}." if why else ".")


def _failure(url: str, exc: Exception) -> str:
    """What went wrong, as the server said it when it answered at all."""
    found = _STATUS.search(str(exc))
    if found is not None:
        return _answered(url, f"{found.group(1)} {found.group(2).strip()}")
    reason = str(getattr(exc, "reason", "") or "")
    if reason and reason != "no reason" and "Unauthorized" in reason:
        return _answered(url, "401 Unauthorized")
    return f"The CalDAV server at {url} could not be reached ({_short(exc)})."


def _short(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text.splitlines()[0][:200]
