"""A lazy, windowed table model over an inbox snapshot: only the pages on screen are in memory."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from repdesk.core.form_match import form_summary
from repdesk.core.inbox import is_waiting, waiting_level, waiting_text
from repdesk.core.phone_display import display_phone
from repdesk.core.when import format_moment
from repdesk.services.leads.lead_rows import LeadSummary
from repdesk.ui.inbox.row_patch import row_patch

PAGE = 200
MAX_PAGES = 40
COLUMNS = (
    "Waiting",
    "Name",
    "Company",
    "Status",
    "Next step",
    "Source",
    "Owner",
    "Product",
    "Phone",
    "Email",
)
#: What a click on a column's header sorts All leads by (services.inbox SORT_COLUMNS).
SORT_KEYS = (
    "received_at",
    "name",
    "company",
    "status",
    "next_follow_up_at",
    "source",
    "owner",
    "product",
    "phone",
    "email",
)
REPLIED_TEXT = "replied — waiting for you"
_LEVEL_COLOURS = (QColor("#1a7f37"), QColor("#bf8700"), QColor("#cf222e"))

AnyIndex = QModelIndex | QPersistentModelIndex


class InboxRows(Protocol):
    """What the model shows: services.inbox.inbox_service's snapshots, or the first screen's
    (inbox_sqlite)."""

    total: int
    waiting: int
    replied: int

    def fetch(self, offset: int, limit: int) -> list[LeadSummary]: ...


class LeadTableModel(QAbstractTableModel):
    def __init__(
        self,
        clock: Callable[[], datetime],
        target_minutes: Callable[[], int],
        *,
        zone: Callable[[], tzinfo] = lambda: UTC,
        region: Callable[[], str] = lambda: "US",
    ) -> None:
        super().__init__()
        self._clock = clock
        self._target = target_minutes
        self._zone = zone
        self._region = region
        self.sort_requested: Callable[[str | None, bool], None] | None = None
        """Set by a page that sorts (All leads): called with the column's key (None: back to the
        urgency order) and whether descending."""
        self._snapshot: InboxRows | None = None
        self._total = 0  # rows listed: the snapshot's, as refresh_rows patched them
        self._pages: OrderedDict[int, list[LeadSummary]] = OrderedDict()
        self._now = clock()
        self._on_call: dict[int, str] = {}  # lead id -> who else is on a call with it (a team)

    # -- data source -----------------------------------------------------------------------------
    def set_snapshot(self, snapshot: InboxRows) -> None:
        self.beginResetModel()
        self._snapshot = snapshot
        self._total = snapshot.total
        self._pages.clear()
        self._now = self._clock()
        self.endResetModel()

    @property
    def snapshot(self) -> InboxRows | None:
        return self._snapshot

    def refresh_rows(
        self,
        snapshot: InboxRows,
        fresh: Mapping[int, LeadSummary | None],
        key: Callable[[LeadSummary], tuple[float, ...]],
    ) -> bool:
        """Other clients changed the leads of `fresh` (each as the list holds it now, None: not
        listed any more); `snapshot`: the same list counted now. The rows read so far are patched
        with the Qt signals for exactly those rows — updated where the lead keeps its place,
        removed, inserted where `key` sorts it — and no other row is read again (the rows not
        read yet come from `snapshot` when shown). False, with nothing changed, when that cannot
        be done: the rows read so far do not start at the top, or do not add up with the new
        count (the caller reloads)."""
        plan = row_patch(self._read_rows(), self._total, fresh, key, snapshot.total)
        if plan is None:
            return False
        rows = self._read_rows()
        for op, row, lead in plan:
            if op == "update":
                assert lead is not None
                rows[row] = lead
                self._keep(rows)
                last = len(COLUMNS) - 1
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            elif op == "remove":
                self.beginRemoveRows(QModelIndex(), row, row)
                del rows[row]
                self._total -= 1
                self._keep(rows)
                self.endRemoveRows()
            else:
                assert lead is not None
                self.beginInsertRows(QModelIndex(), row, row)
                rows.insert(row, lead)
                self._total += 1
                self._keep(rows)
                self.endInsertRows()
        self._snapshot = snapshot
        more = snapshot.total - self._total  # listed or not any more past the rows read
        if more > 0:
            self.beginInsertRows(QModelIndex(), self._total, self._total + more - 1)
            self._total += more
            self.endInsertRows()
        elif more < 0:
            self.beginRemoveRows(QModelIndex(), snapshot.total, self._total - 1)
            self._total = snapshot.total
            self.endRemoveRows()
        return True

    def read_row_of(self, lead_id: int) -> int:
        """The lead's row among the rows read so far (-1: not among them); nothing is read."""
        for page_no, page in self._pages.items():
            for offset, lead in enumerate(page):
                if lead.id == lead_id:
                    return page_no * PAGE + offset
        return -1

    def _read_rows(self) -> list[LeadSummary]:
        """The rows read so far from the top without a gap (pages after a gap are let go)."""
        rows: list[LeadSummary] = []
        page_no = 0
        while page_no in self._pages and len(rows) == page_no * PAGE:
            rows.extend(self._pages[page_no])
            page_no += 1
        for later in [n for n in self._pages if n >= page_no]:
            del self._pages[later]
        return rows

    def _keep(self, rows: list[LeadSummary]) -> None:
        """The patched rows as pages (the last one may be cut short: lead_at reads the rest)."""
        self._pages.clear()
        for start in range(0, len(rows), PAGE):
            self._pages[start // PAGE] = rows[start : start + PAGE]

    def set_on_calls(self, who: dict[int, str]) -> bool:
        """Who else is on a call with which lead now: shown in the Status column meanwhile. True
        when that changed."""
        if who == self._on_call:
            return False
        self._on_call = dict(who)
        if self.rowCount():
            status = COLUMNS.index("Status")
            self.dataChanged.emit(
                self.index(0, status),
                self.index(self.rowCount() - 1, status),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )
        return True

    def on_call(self, lead_id: int) -> str | None:
        return self._on_call.get(lead_id)

    def tick(self) -> None:
        """Refresh the live 'waiting' column without re-querying."""
        self._now = self._clock()
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, 0), [Qt.ItemDataRole.DisplayRole]
            )

    def lead_at(self, row: int) -> LeadSummary | None:
        if self._snapshot is None or not 0 <= row < self._total:
            return None
        page_no = row // PAGE
        page = self._pages.get(page_no)
        offset = row - page_no * PAGE
        if page is None:
            page = self._snapshot.fetch(page_no * PAGE, PAGE)
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
            if offset >= len(page) and page_no * PAGE + len(page) < self._total:
                # Cut short by refresh_rows: only the rows that moved into the page are read.
                page.extend(self._snapshot.fetch(page_no * PAGE + len(page), PAGE - len(page)))
        return page[offset] if offset < len(page) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.sort_requested is not None:
            key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None
            self.sort_requested(key, order == Qt.SortOrder.DescendingOrder)

    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    # -- Qt model interface ----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() or self._snapshot is None:
            return 0
        return self._total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        lead = self.lead_at(index.row())
        if lead is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(lead, column)
        if role == Qt.ItemDataRole.UserRole:
            return lead.id
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 4) and lead.replied_at:
            level = waiting_level(lead.replied_at, self._now, timedelta(minutes=self._target()))
            return QBrush(_LEVEL_COLOURS[level])
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and _waiting(lead):
            level = waiting_level(lead.received_at, self._now, timedelta(minutes=self._target()))
            return QBrush(_LEVEL_COLOURS[level])
        if role == Qt.ItemDataRole.ToolTipRole and (
            column == 0 or (column == 4 and lead.replied_at)
        ):
            return self._waiting_tip(lead)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3 and lead.id in self._on_call:
            status = lead.status.replace("_", " ")
            return f"{self._on_call[lead.id]} is on a call with this lead now (status {status})."
        if role == Qt.ItemDataRole.ToolTipRole and column == 3 and lead.form_verdict:
            return (
                f"Status {lead.status.replace('_', ' ')}; its form answers say "
                f"{lead.form_verdict.replace('_', ' ')} until the call confirms or changes them."
            )
        if lead.do_not_contact and column in (1, 4):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(_LEVEL_COLOURS[2])
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Do not contact: no calls, emails or follow-ups."
        return None

    def _display(self, lead: LeadSummary, column: int) -> str:
        if column == 0:
            if lead.replied_at is not None:  # their reply waits for us: its own clock
                return "↩ " + waiting_text(lead.replied_at, self._now)
            if _waiting(lead):
                return waiting_text(lead.received_at, self._now)
            return ""
        if column == 1:
            name = lead.name or lead.email or lead.phone
            return f"⊘ {name}" if lead.do_not_contact else name
        if column == 2:
            return lead.company
        if column == 3:
            who = self._on_call.get(lead.id)
            if who is not None:  # live, and what matters most now (a narrow window keeps Status)
                return f"☎ on a call · {who}"
            if _waiting(lead) and lead.form_verdict:  # the provisional verdict of its form
                return form_summary(lead.form_verdict, lead.form_note)
            return lead.status.replace("_", " ")
        if column == 4:
            if lead.do_not_contact:  # it has no step: the column says why
                return "do not contact"
            if lead.replied_at is not None:
                return REPLIED_TEXT
            return _next_step_text(lead.next_follow_up_at, self._now, self._zone())
        if column == 5:
            return lead.source
        if column == 6:
            return lead.owner or "—"
        if column == 7:
            return lead.product
        if column == 8:
            return display_phone(lead.phone, self._region(), lead.phone_ext)
        return lead.email

    def _waiting_tip(self, lead: LeadSummary) -> str:
        if lead.replied_at is not None:
            when = format_moment(lead.replied_at, self._now, self._zone())
            return f"They replied {when}; waiting for your answer (target {self._target()} min)."
        received = format_moment(lead.received_at, self._now, self._zone())
        if lead.first_response_at is None:
            if lead.status != "new":
                return f"Inquiry received {received}; no first answer on record."
            target = self._target()
            return f"Inquiry received {received}; nobody has answered yet (target {target} min)."
        waited = waiting_text(lead.received_at, lead.first_response_at)
        return f"Inquiry received {received}; first answered after {waited}."


def _waiting(lead: LeadSummary) -> bool:
    # A lead marked do not contact shows no waiting clock: nobody is to answer them.
    return is_waiting(lead) and not lead.do_not_contact


def _next_step_text(when: datetime | None, now: datetime, zone: tzinfo) -> str:
    if when is None:
        return ""
    text = format_moment(when, now, zone)
    return f"overdue · {text}" if when < now else text
