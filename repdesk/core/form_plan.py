"""What a generated form or sheet asks: the contact fields, the questions on forms, the versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from repdesk.core.questions import AnswerType, Question, QuestionSet, SetKind

#: The hidden field every generated form carries: the set versions it was made from.
FORM_ID_FIELD = "repdesk_form"
#: The hidden field of a product's form: the lead's product, so its product questions count.
PRODUCT_FIELD = "product"


@dataclass(frozen=True)
class ContactField:
    """A person's detail every form asks first; `name` is the field name the import recognises."""

    name: str
    label: str
    kind: str  # text, email, tel or textarea (the HTML input it needs)
    required: bool
    autocomplete: str


CONTACT_FIELDS = (
    ContactField("name", "Your name", "text", True, "name"),
    ContactField("email", "Email", "email", True, "email"),
    ContactField("phone", "Phone", "tel", False, "tel"),
    ContactField("company", "Company", "text", False, "organization"),
)
#: Last on the form, after the questions: what else they want to say.
MESSAGE_FIELD = ContactField("message", "Your message", "textarea", False, "off")


@dataclass(frozen=True)
class FormPlan:
    """The questions of one form, in asking order (core first), and the versions they came from."""

    sets: tuple[QuestionSet, ...]
    questions: tuple[Question, ...]
    #: The product of the product set, sent back in a hidden `product` field (the lead's product).
    product: str = ""

    @property
    def versions(self) -> str:
        """'core v3, website v2': names the exact set versions; the form carries it."""
        return ", ".join(f"{s.key} v{s.version}" for s in self.sets)

    @property
    def title(self) -> str:
        return " · ".join(s.name for s in self.sets)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every field name of the form: contact fields, question keys, message, the form id."""
        return (
            *(f.name for f in CONTACT_FIELDS),
            *(q.key for q in self.questions),
            MESSAGE_FIELD.name,
            FORM_ID_FIELD,
            *((PRODUCT_FIELD,) if self.product else ()),
        )


class FormPlanError(ValueError):
    """The sets cannot make a form (no question on forms, unknown product)."""


def run_sets(sets: Sequence[QuestionSet], product: str = "") -> tuple[QuestionSet, ...]:
    """The core set and the set of `product` (when given); FormPlanError names a missing one."""
    core = [s for s in sets if s.kind is SetKind.CORE]
    if not core:
        raise FormPlanError("there is no core question set")
    if not product:
        return (core[0],)
    extra = [s for s in sets if s.kind is SetKind.PRODUCT and s.product == product]
    if not extra:
        products = ", ".join(s.product for s in sets if s.kind is SetKind.PRODUCT) or "none"
        raise FormPlanError(
            f"there is no question set for product '{product}' (products: {products})"
        )
    return (core[0], extra[0])


def form_plan(sets: Sequence[QuestionSet], product: str = "") -> FormPlan:
    """The questions on forms of the core set and the product's set, in asking order."""
    chosen = run_sets(sets, product)
    questions = tuple(q for s in chosen for q in s.questions if q.on_forms)
    if not questions:
        raise FormPlanError(
            "no question is on forms yet: give the questions a form: line "
            "(see docs/script-format.md, 'On forms')"
        )
    return FormPlan(chosen, questions, chosen[1].product if len(chosen) > 1 else "")


def sheet_questions(sets: Sequence[QuestionSet], product: str = "") -> FormPlan:
    """Every question of a run (a call sheet asks them all), with the versions."""
    chosen = run_sets(sets, product)
    return FormPlan(chosen, tuple(q for s in chosen for q in s.questions))


def choices(question: Question) -> tuple[tuple[str, str], ...]:
    """(value, label) of each choice a form offers: yes/no, or the options."""
    if question.answer_type is AnswerType.YES_NO:
        return (("yes", "Yes"), ("no", "No"))
    return tuple((o.key, o.label) for o in question.options)
