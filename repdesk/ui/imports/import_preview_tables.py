"""The Import dialog's two preview tables: each column of the file with the field it goes to (a
box to change it), and the first rows as they would be imported, with their problems."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QTableWidget, QTableWidgetItem

from repdesk.core.phone_display import display_phone
from repdesk.services.imports.import_service import MAPPABLE_FIELDS, Preview

PREVIEW_COLUMNS = ("Row", "Name", "Email", "Phone", "Company", "Status", "Received", "Problem")


def fill_mapping(
    table: QTableWidget, mapping: dict[str, str | None], changed: Callable[[str, str], None]
) -> None:
    """One row per column of the file; `changed(column, field)` when the rep picks another field."""
    table.blockSignals(True)
    table.setRowCount(len(mapping))
    for row, (column, field) in enumerate(mapping.items()):
        item = QTableWidgetItem(column)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        table.setItem(row, 0, item)
        box = QComboBox()
        box.addItem("(keep as extra field)", "extra")
        for choice in MAPPABLE_FIELDS:
            box.addItem(choice.replace("_", " "), choice)
        box.setCurrentIndex(max(0, box.findData(field or "extra")))
        box.currentIndexChanged.connect(lambda _i, c=column, b=box: changed(c, b.currentData()))
        table.setCellWidget(row, 1, box)
    table.blockSignals(False)


def fill_rows(table: QTableWidget, preview: Preview) -> None:
    """The first rows as they would be imported (a row with a problem in red)."""
    rows = preview.rows
    region = preview.file.default_region
    table.setRowCount(len(rows))
    for r, parsed in enumerate(rows):
        f = parsed.fields
        name = f"{f.get('first_name', '')} {f.get('last_name', '')}".strip()
        received = parsed.received_at.strftime("%Y-%m-%d %H:%M") if parsed.received_at else ""
        # The main number as the lead will show it (the workspace's region); one that cannot be
        # read, as written (the row's problem says to check it).
        phone = (
            display_phone(f["phone"], region, f.get("phone_ext", ""))
            if f.get("phone")
            else parsed.phones[0].number
            if parsed.phones
            else ""
        )
        values = (
            str(parsed.row),
            name,
            f.get("email", ""),
            phone,
            f.get("company", ""),
            f.get("status", ""),
            received,
            parsed.problem or "",
        )
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if parsed.problem:
                item.setForeground(Qt.GlobalColor.darkRed)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
