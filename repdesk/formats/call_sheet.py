"""The one-page call and trade-show sheet to print (`repdesk script sheet FILE.pdf`), by ReportLab.

Every question of the run with tick boxes for its choices and lines to write on, the contact
details, the verdict and the next step; the type shrinks until it all fits on one page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from repdesk.core.conditions import format_condition
from repdesk.core.domain import Verdict
from repdesk.core.form_plan import FormPlan, choices
from repdesk.core.questions import AnswerType, Question

MARGIN = 40.0
INK, MUTED, RULE = (0.12, 0.14, 0.16), (0.38, 0.41, 0.45), (0.62, 0.66, 0.70)
#: Tried in order for glyphs beyond Latin-1; ReportLab's built-in Helvetica is the fallback.
_FONT_FILES = (
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
)
_FONT_DIR = Path("/usr/share/fonts/truetype")
_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0)
_LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE"})


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str


def _fonts() -> _Fonts:
    for regular, bold in _FONT_FILES:
        paths = (_FONT_DIR / regular, _FONT_DIR / bold)
        if all(path.is_file() for path in paths):
            try:
                pdfmetrics.registerFont(TTFont("SheetSans", str(paths[0])))
                pdfmetrics.registerFont(TTFont("SheetSans-Bold", str(paths[1])))
            except TTFError:
                continue
            return _Fonts("SheetSans", "SheetSans-Bold")
    return _Fonts("Helvetica", "Helvetica-Bold")


def page_size(region: str) -> tuple[float, float]:
    """US Letter where it is the custom, A4 elsewhere."""
    size: tuple[float, float] = letter if region.upper() in _LETTER_REGIONS else A4
    return size


def call_sheet(plan: FormPlan, *, region: str = "US") -> bytes:
    """The sheet as PDF bytes; the same plan always gives the same bytes (no time stamps)."""
    fonts = _fonts()
    width, height = page_size(region)
    for size in _SIZES:
        if _Sheet(None, fonts, size, width).draw(plan, height) <= height - MARGIN:
            break
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height), invariant=1, pageCompression=1)
    canvas.setTitle(f"Qualification sheet — {plan.title}")
    canvas.setAuthor("repdesk")
    canvas.setSubject(f"Question sets {plan.versions}")
    _Sheet(canvas, fonts, size, width).draw(plan, height)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


class _Sheet:
    """Lays the sheet out from the top; with no canvas it only measures (returns the depth)."""

    def __init__(self, canvas: Canvas | None, fonts: _Fonts, size: float, width: float) -> None:
        self.c = canvas
        self.f = fonts
        self.size = size
        self.left, self.right = MARGIN, width - MARGIN
        self.y = 0.0

    # -- drawing primitives (no-ops when measuring) ------------------------------------------------
    def _text(self, x: float, text: str, font: str, size: float, colour: tuple[float, ...]) -> None:
        if self.c is not None:
            self.c.setFillColorRGB(*colour)
            self.c.setFont(font, size)
            self.c.drawString(x, self.y, text)

    def _text_right(self, text: str, font: str, size: float, colour: tuple[float, ...]) -> None:
        if self.c is not None:
            self.c.setFillColorRGB(*colour)
            self.c.setFont(font, size)
            self.c.drawRightString(self.right, self.y, text)

    def _rule(self, x0: float, x1: float, y: float) -> None:
        if self.c is not None:
            self.c.setStrokeColorRGB(*RULE)
            self.c.setLineWidth(0.6)
            self.c.line(x0, y, x1, y)

    def _box(self, x: float, y: float, side: float) -> None:
        if self.c is not None:
            self.c.setStrokeColorRGB(*INK)
            self.c.setLineWidth(0.8)
            self.c.rect(x, y, side, side, stroke=1, fill=0)

    def _width(self, text: str, font: str, size: float) -> float:
        return float(pdfmetrics.stringWidth(text, font, size))

    # -- the sheet -------------------------------------------------------------------------------
    def draw(self, plan: FormPlan, height: float) -> float:
        """Draw (or measure) everything; returns how far down the page it reached."""
        s = self.size
        self.y = height - MARGIN - s * 1.6
        self._text(self.left, "Qualification sheet", self.f.bold, s * 1.6, INK)
        self._text_right(plan.title, self.f.regular, s, MUTED)
        self.y -= s * 2.2
        self._fill_lines(("Name", "Company"), ("Date", "Rep"))
        self._fill_lines(("Email", "Phone"), ("Source", ""))
        self.y -= s * 0.2
        self._rule(self.left, self.right, self.y + s * 1.0)
        self.y -= s * 0.9
        for number, q in enumerate(plan.questions, start=1):
            self._question(number, q)
        self.y -= s * 0.4
        self._rule(self.left, self.right, self.y + s * 0.9)
        self.y -= s * 0.5
        self._ticks("Verdict", [v.value.replace("_", " ") for v in Verdict])
        self.y -= s * 1.9
        self._fill_lines(("Next step", ""), ("When", ""))
        self._text(
            self.left,
            f"* required   ·   [key] is the question's key   ·   question sets {plan.versions}",
            self.f.regular,
            s * 0.8,
            MUTED,
        )
        return height - self.y

    def _fill_lines(self, left: tuple[str, str], right: tuple[str, str]) -> None:
        """Two rows of 'Label ______' pairs: left pair over the wider part, right pair narrow."""
        s = self.size
        split = self.left + (self.right - self.left) * 0.68
        for (name, other), x0, x1 in (
            (left, self.left, split - s),
            (right, split + s, self.right),
        ):
            mid = x0 + (x1 - x0) * (0.55 if x0 == self.left else 0.5)
            for label, a, b in ((name, x0, mid - s), (other, mid + s, x1)):
                if not label:
                    continue
                self._text(a, label, self.f.regular, s * 0.85, MUTED)
                self._rule(a + self._width(label, self.f.regular, s * 0.85) + 4, b, self.y - 2)
        self.y -= s * 2.1

    def _question(self, number: int, q: Question) -> None:
        s = self.size
        head = f"{number}. {q.prompt}{' *' if q.required else ''}"
        key = f"[{q.key}]"
        self._text(self.left, head, self.f.bold, s, INK)
        after = self.left + self._width(head, self.f.bold, s) + 6
        if q.condition is not None:
            when = f"only if {format_condition(q.condition)}"
            self._text(after, when, self.f.regular, s * 0.85, MUTED)
        self._text_right(key, self.f.regular, s * 0.8, MUTED)
        self.y -= s * 1.55
        if q.answer_type.has_options or q.answer_type is AnswerType.YES_NO:
            self._ticks("", [label for _, label in choices(q)])
            self.y -= s * 1.9
        elif q.answer_type is AnswerType.TEXT:
            for _ in range(2):
                self._rule(self.left + s, self.right, self.y - 2)
                self.y -= s * 1.7
            self.y -= s * 0.3
        else:
            hint = {
                AnswerType.MONEY: "amount",
                AnswerType.DATE: "date",
                AnswerType.NUMBER: "number",
            }
            label = hint[q.answer_type]
            self._text(self.left + s, label, self.f.regular, s * 0.85, MUTED)
            start = self.left + s + self._width(label, self.f.regular, s * 0.85) + 4
            self._rule(start, start + 160, self.y - 2)
            self.y -= s * 1.9

    def _ticks(self, title: str, labels: list[str]) -> None:
        """A row of tick boxes with labels, wrapping onto more rows when they do not fit."""
        s = self.size
        x = self.left + s
        if title:
            self._text(self.left, title, self.f.bold, s, INK)
            x = self.left + self._width(title, self.f.bold, s) + s
        start, side = x, s * 0.95
        for label in labels:
            width = side + 5 + self._width(label, self.f.regular, s) + s * 1.6
            if x + width > self.right and x > start:
                x = start
                self.y -= s * 1.6
            self._box(x, self.y - s * 0.12, side)
            self._text(x + side + 5, label, self.f.regular, s, INK)
            x += width


__all__ = ["call_sheet", "page_size"]
