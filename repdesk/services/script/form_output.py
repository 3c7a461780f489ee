"""Forms and sheets made from the current question sets: HTML, Contact Form 7, fields CSV, PDF."""

from __future__ import annotations

from collections.abc import Callable

from repdesk.core.form_plan import FormPlan, FormPlanError, form_plan, sheet_questions
from repdesk.formats.call_sheet import call_sheet
from repdesk.formats.form_templates import cf7_template, fields_csv
from repdesk.formats.web_form import web_form
from repdesk.services.common.errors import UserError
from repdesk.services.script.script_service import ScriptService

FORMATS = ("html", "cf7", "fields")
#: The format a file name asks for when --format is not given.
_BY_SUFFIX = {".cf7": "cf7", ".csv": "fields", ".html": "html", ".htm": "html"}


def format_for(file_name: str, given: str | None) -> str:
    """The --format given, else the one the file's suffix names, else html."""
    if given:
        return given
    for suffix, kind in _BY_SUFFIX.items():
        if file_name.lower().endswith(suffix):
            return kind
    return "html"


class FormOutput:
    """Renders the current sets; every output names the set versions it was made from."""

    def __init__(self, scripts: ScriptService, region: Callable[[], str]) -> None:
        self._scripts = scripts
        self._region = region

    def plan(self, product: str = "") -> FormPlan:
        try:
            return form_plan(self._scripts.current_bundle().sets, product)
        except FormPlanError as exc:
            raise UserError(_sentence(str(exc))) from None

    def form(self, kind: str = "html", product: str = "", action: str = "") -> str:
        """The form as text in one of FORMATS."""
        if kind not in FORMATS:
            raise UserError(f"Unknown form format '{kind}'; use one of {', '.join(FORMATS)}.")
        if action and not action.lower().startswith(("https://", "http://", "/", "mailto:")):
            raise UserError(f"The form action must be a web address (https://…), not {action!r}.")
        plan = self.plan(product)
        if kind == "cf7":
            return cf7_template(plan)
        if kind == "fields":
            return fields_csv(plan)
        return web_form(plan, action=action)

    def sheet(self, product: str = "") -> bytes:
        """The one-page call and trade-show sheet as PDF."""
        try:
            plan = sheet_questions(self._scripts.current_bundle().sets, product)
        except FormPlanError as exc:
            raise UserError(_sentence(str(exc))) from None
        return call_sheet(plan, region=self._region())


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith(".") else text + "."
