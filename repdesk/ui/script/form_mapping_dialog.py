"""Map the fields of a form that match no question by themselves: each field to a question."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from repdesk.core.questions import Question
from repdesk.services.script.form_mappings import FormOffer

NOT_A_QUESTION = ""


class FormMappingDialog(QDialog):
    """One row per field of the form; OK returns {label: question key} for the chosen ones."""

    def __init__(
        self, offer: FormOffer, questions: Sequence[Question], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("formMappingDialog")
        self.setWindowTitle("Map the form's fields to questions")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"This {offer.source} form's fields match no question by themselves. Say which "
            "question each one asks; repdesk remembers it for every answer this form sends."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.choices: dict[str, QComboBox] = {}
        for label in offer.labels:
            box = QComboBox(objectName="formMappingChoice")
            box.addItem("— not a question —", NOT_A_QUESTION)
            for q in questions:
                box.addItem(f"{q.prompt}  ({q.key})", q.key)
            form.addRow(label, box)
            self.choices[label] = box
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def mapping(self) -> dict[str, str]:
        return {label: str(box.currentData()) for label, box in self.choices.items()}
