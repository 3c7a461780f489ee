"""What the desktop hands the app: lead files to import and tel:/mailto: links to look up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    from repdesk.ui.shell.main_window import MainWindow

IMPORT_SUFFIXES = frozenset({".csv", ".tsv", ".vcf", ".vcard"})


@dataclass
class DesktopArguments:
    files: list[Path] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)  # "tel:…" / "mailto:…" links
    ignored: list[str] = field(default_factory=list)


def parse_arguments(arguments: list[str]) -> DesktopArguments:
    """Sort command-line or second-launch arguments into files to import and contact links."""
    result = DesktopArguments()
    for argument in arguments:
        lowered = argument.lower()
        if lowered.startswith(("tel:", "mailto:", "callto:")):
            result.contacts.append(argument)
            continue
        path = (
            Path(unquote(urlparse(argument).path))
            if lowered.startswith("file://")
            else Path(argument)
        )
        if path.suffix.lower() in IMPORT_SUFFIXES and path.is_file():
            result.files.append(path)
        else:
            result.ignored.append(argument)
    return result


def contact_value(link: str) -> tuple[str, str]:
    """("email", address) or ("phone", number) from a mailto:/tel: link (parameters dropped)."""
    scheme, _, rest = link.partition(":")
    value = unquote(rest.lstrip("/").split("?", 1)[0].split(";", 1)[0]).strip()
    return ("email" if scheme.lower() == "mailto" else "phone"), value


def find_lead(window: MainWindow, link: str) -> int | None:
    """The id of the lead whose email or phone matches the link, or None."""
    from repdesk.core.contact import normalize_email, normalize_phone

    kind, value = contact_value(link)
    if not value:
        return None
    leads = window.services.leads
    if kind == "email":
        wanted = normalize_email(value)
    else:
        region = str(window.services.settings.get("default_region") or "US")
        wanted = normalize_phone(value, region)
    if wanted is None:
        return None
    terms = [wanted] if kind == "email" else [wanted, wanted.lstrip("+"), value]
    for term in terms:
        for lead in leads.list_leads(search=term, limit=50):
            own = (
                normalize_email(lead.email)
                if kind == "email"
                else normalize_phone(lead.phone, region)
            )
            if own == wanted:
                return lead.id
    return None


def select_lead(window: MainWindow, lead_id: int, hint: str) -> None:
    """Show the lead: select its row in the inbox (or All leads), else search for it there."""
    for key in ("inbox", "leads"):
        page = window.pages.get(key)
        model = getattr(page, "model", None)
        if page is None or model is None:
            continue
        if key == "leads" and not getattr(page, "_loaded", True):
            page.activate()  # type: ignore[attr-defined]
        for row in range(min(model.rowCount(), 400)):
            lead = model.lead_at(row)
            if lead is not None and lead.id == lead_id:
                window.show_page(key)
                page.table.selectRow(row)  # type: ignore[attr-defined]
                return
    page = window.pages["leads"]
    window.show_page("leads")
    page.detail.show_lead(lead_id)  # type: ignore[attr-defined]
    page.search.setText(hint)  # type: ignore[attr-defined]


def handle_arguments(window: MainWindow, arguments: list[str]) -> DesktopArguments:
    """Act on arguments: open the import for lead files, select the lead a link names."""
    parsed = parse_arguments(arguments)
    if parsed.files:
        import_files = getattr(getattr(window, "file_actions", None), "import_files", None)
        if callable(import_files):
            import_files(parsed.files)
        else:
            window.statusBar().showMessage(
                "This version cannot import files from the command line.", 8000
            )
    for link in parsed.contacts:
        lead_id = find_lead(window, link)
        if lead_id is None:
            window.statusBar().showMessage(f"No lead has {contact_value(link)[1]}.", 8000)
        else:
            select_lead(window, lead_id, contact_value(link)[1])
    if parsed.ignored:
        window.statusBar().showMessage(f"Not a lead file: {', '.join(parsed.ignored)}", 8000)
    return parsed


def bring_to_front(window: MainWindow) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
