"""The composer: an email to one lead, filled from the template that fits them; Ctrl+Enter puts
it in the outbox (the sender hands it to the server off the GUI thread), Esc closes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from repdesk.services.common.errors import UserError
from repdesk.services.email.compose import Draft, DraftService
from repdesk.services.email.outbox import OutboxService
from repdesk.services.email.outbox_rows import Queued
from repdesk.services.email.templates import TemplateService
from repdesk.ui.common.actions import SPECS, ActionId
from repdesk.ui.common.save_queue import import_running, locked_sentence

if TYPE_CHECKING:
    from repdesk.services.email.accounts import AccountService
    from repdesk.services.email.replies import ReplyFiler


class EmailComposerDialog(QDialog):
    sig_email_queued = Signal(object)
    """Emitted with the Queued value once the email is in the outbox (sending follows)."""

    def __init__(
        self,
        drafts: DraftService,
        outbox: OutboxService,
        templates: TemplateService,
        draft: Draft,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("emailComposer")
        self.setWindowTitle(f"Email to {draft.lead_name}")
        self._drafts, self._outbox = drafts, outbox
        self.draft = draft
        self.queued: Queued | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.to_label = QLabel(f"{draft.lead_name} <{draft.to}>")
        self.to_label.setObjectName("composerTo")
        self.to_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("To", self.to_label)
        self.from_label = QLabel(draft.from_header)
        self.from_label.setObjectName("muted")
        form.addRow("From", self.from_label)
        self.template = QComboBox()
        self.template.setObjectName("composerTemplate")
        for key, name in _template_choices(templates):
            self.template.addItem(name, key)
        self.template.setCurrentIndex(max(0, self.template.findData(draft.template)))
        self.template.activated.connect(self._template_chosen)
        form.addRow("Template", self.template)
        self.subject = QLineEdit(draft.subject)
        self.subject.setObjectName("composerSubject")
        form.addRow("Subject", self.subject)
        layout.addLayout(form)
        self.thread_note = QLabel()
        self.thread_note.setObjectName("muted")
        layout.addWidget(self.thread_note)
        self.body = QPlainTextEdit(draft.body)
        self.body.setObjectName("composerBody")
        self.body.setTabChangesFocus(True)
        layout.addWidget(self.body, 1)
        self.problem = QLabel()
        self.problem.setObjectName("composerProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("QLabel#composerProblem { color: #cf222e; }")
        layout.addWidget(self.problem)
        buttons = QHBoxLayout()
        hint = QLabel("Ctrl+Enter sends · Esc closes without sending")
        hint.setObjectName("muted")
        buttons.addWidget(hint, 1)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("composerSend")
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.clicked.connect(self.send)
        buttons.addWidget(cancel)
        buttons.addWidget(self.send_button)
        layout.addLayout(buttons)
        spec = SPECS[ActionId.SEND_EMAIL]
        self.send_action = QAction(spec.text, self)
        self.send_action.setObjectName("action_send_email")
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.send_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.send_action.triggered.connect(self.send)
        self.addAction(self.send_action)
        self.send_button.setToolTip(f"{spec.tip} (Ctrl+Enter)")
        self._show_state()
        self.resize(720, 560)
        self.body.setFocus()
        cursor = self.body.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.body.setTextCursor(cursor)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.activateWindow()
        self.body.setFocus()  # the rep reads, maybe edits, and sends

    def _template_chosen(self, _index: int) -> None:
        key = self.template.currentData()
        try:
            self.draft = self._drafts.draft(
                self.draft.lead_id, key, follow_up_id=self.draft.follow_up_id
            )
        except UserError as exc:
            self.problem.setText(str(exc))
            return
        self.subject.setText(self.draft.subject)
        self.body.setPlainText(self.draft.body)
        self._show_state()
        self.body.setFocus()

    def _show_state(self) -> None:
        d = self.draft
        self.thread_note.setText(
            "In reply to their message (the thread is kept)." if d.in_reply_to else ""
        )
        self.thread_note.setVisible(bool(d.in_reply_to))
        if d.missing:
            names = ", ".join("{" + n + "}" for n in d.missing)
            self.problem.setText(
                f"This lead has no value for {names}: write it into the text before sending."
            )
        else:
            self.problem.clear()

    def send(self) -> None:
        """Queue the email as written; a problem is one sentence under the text, nothing sent.
        While an import holds the write lock it is refused at once (an email waiting unseen
        would be logged before it is sent): the rep sends it once the import is done."""
        if self.queued is not None:
            return
        running = import_running(self)
        if running is not None:
            self.problem.setText(running)
            return
        try:
            self.queued = self._outbox.queue(
                self.draft, subject=self.subject.text(), body=self.body.toPlainText()
            )
        except UserError as exc:
            self.problem.setText(str(exc))
            return
        except Exception as exc:
            locked = locked_sentence(self, exc)  # an import began meanwhile
            if locked is None:
                raise
            self.problem.setText(locked)
            return
        self.sig_email_queued.emit(self.queued)
        self.accept()


def _template_choices(templates: TemplateService) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for t in templates.all():
        if not t.product:
            seen.setdefault(t.key, t.name)
    return list(seen.items())


@dataclass(frozen=True)
class EmailServices:
    """What the email parts of the window use: drafts, the outbox, templates, the account, and
    the replies filed on leads (the stop requests)."""

    drafts: DraftService
    outbox: OutboxService
    templates: TemplateService
    accounts: AccountService
    replies: ReplyFiler


def open_composer(
    parent: QWidget, email: EmailServices, lead_id: int, *, follow_up_id: int | None = None
) -> EmailComposerDialog | None:
    """Open the composer for a lead (None, with one sentence shown, when it cannot be emailed);
    what it queues is handed to the window's outbox sender at once."""
    from PySide6.QtWidgets import QMessageBox

    try:
        if follow_up_id is not None and email.outbox.step_waits(follow_up_id):
            raise UserError("The email for this step is already in the outbox (see Outbox).")
        draft = email.drafts.draft(lead_id, follow_up_id=follow_up_id)
    except UserError as exc:
        box = QMessageBox(QMessageBox.Icon.Information, "Email", str(exc), parent=parent)
        box.setObjectName("emailRefused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return None
    dialog = EmailComposerDialog(email.drafts, email.outbox, email.templates, draft, parent)
    sender = getattr(parent.window(), "outbox_sender", None)
    if sender is not None:
        dialog.sig_email_queued.connect(sender.queued)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def can_send(email: EmailServices) -> bool:
    """True when an outgoing account is set up (else the Email action opens the mail program)."""
    try:
        return email.accounts.account() is not None
    except UserError:
        return False
