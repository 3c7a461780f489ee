"""The generated forms: every question, option and condition in the HTML (read back with an HTML
parser), the inline script's conditions agree with core.scoring, CF7 and the fields CSV name the
same keys."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from repdesk.core.conditions import condition_from_data
from repdesk.core.form_plan import FORM_ID_FIELD, FormPlan, FormPlanError, form_plan
from repdesk.core.questions import AnswerType, Question
from repdesk.core.scoring import evaluate_condition
from repdesk.formats.form_templates import FIELDS_HEADER, cf7_template, fields_csv
from repdesk.formats.script_file import load_default
from repdesk.formats.web_form import SCRIPT, web_form


def default_plan(product: str = "website") -> FormPlan:
    sets = tuple(replace(s, version=i + 2) for i, s in enumerate(load_default().sets))
    return form_plan(sets, product)


@dataclass
class Block:
    key: str
    when: dict[str, object] | None
    required: bool
    text: str = ""
    inputs: list[dict[str, str | None]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


class FormReader(HTMLParser):
    """Reads the form back: question blocks, every input, every label, the meta tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.inputs: list[dict[str, str | None]] = []
        self.labels: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.form: dict[str, str | None] = {}
        self.script = ""
        self._label_for: str | None = None
        self._in_script = False
        self._depth: list[str] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("name"):
            self.meta[str(a["name"])] = str(a.get("content"))
        if tag == "form":
            self.form = a
        if "data-question" in a:
            when = a.get("data-when")
            self.blocks.append(
                Block(
                    str(a["data-question"]),
                    json.loads(when) if when else None,
                    "data-required" in a,
                )
            )
            self._depth.append(tag)
        elif self._depth and tag in ("div", "fieldset"):
            self._depth.append(tag)
        if tag in ("input", "textarea"):
            self.inputs.append(a)
            if self._depth:
                self.blocks[-1].inputs.append(a)
        if tag == "label":
            self._label_for, self._text = a.get("for"), []
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_for:
            text = " ".join("".join(self._text).split())
            self.labels[self._label_for] = text
            if self._depth:
                self.blocks[-1].labels[self._label_for] = text
            self._label_for = None
        if self._depth and tag == self._depth[-1]:
            self._depth.pop()
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._text.append(data)
        if self._depth:
            self.blocks[-1].text += data
        if self._in_script:
            self.script += data


def read(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader


def test_every_question_option_and_condition_is_in_the_form() -> None:
    plan = default_plan()
    form = read(web_form(plan, action="https://example.test/send"))
    assert form.form["action"] == "https://example.test/send" and form.form["method"] == "post"
    assert [b.key for b in form.blocks] == [q.key for q in plan.questions]
    assert {"timeline", "budget", "site_goal"} <= {b.key for b in form.blocks}
    assert "best_time" not in {b.key for b in form.blocks}  # not on forms
    for question, block in zip(plan.questions, form.blocks, strict=True):
        assert question.form_prompt in block.text
        if question.prompt != question.form_prompt:  # the prospect reads the form wording
            assert question.prompt not in block.text
        assert block.required is question.required
        if question.condition is None:
            assert block.when is None
        else:
            assert block.when is not None
            assert condition_from_data(block.when) == question.condition
        names = {i["name"] for i in block.inputs}
        assert names == {question.key}
        expected = _expected_choices(question)
        if expected:
            assert [(i["value"], block.labels[str(i["id"])]) for i in block.inputs] == expected
            kind = "checkbox" if question.answer_type is AnswerType.MULTI_CHOICE else "radio"
            assert {i.get("type") for i in block.inputs} == {kind}
        # Required on the page only when it always shows; a conditional one is the script's.
        on_page = question.required and question.condition is None
        assert all(("required" in i) is on_page for i in block.inputs), question.key


def _expected_choices(q: Question) -> list[tuple[str, str]]:
    if q.answer_type is AnswerType.YES_NO:
        return [("yes", "Yes"), ("no", "No")]
    return [(o.key, o.label) for o in q.options]


def test_the_form_names_its_set_versions_and_the_contact_fields() -> None:
    plan = default_plan()
    assert plan.versions == "core v2, website v3"
    form = read(web_form(plan))
    assert "action" not in form.form
    assert form.meta["repdesk-sets"] == "core v2, website v3"
    hidden = [i for i in form.inputs if i.get("type") == "hidden"]
    assert hidden == [
        {"type": "hidden", "name": FORM_ID_FIELD, "value": "core v2, website v3"},
        {"type": "hidden", "name": "product", "value": "website"},  # the lead's product
    ]
    names = [i["name"] for i in form.inputs]
    assert names[:6] == [FORM_ID_FIELD, "product", "name", "email", "phone", "company"]
    assert names[-1] == "message"
    required = {i["name"] for i in form.inputs if "required" in i and i.get("type") != "radio"}
    assert {"name", "email"} <= required and "phone" not in required


def test_every_field_has_a_label_a_reader_can_announce() -> None:
    form = read(web_form(default_plan()))
    for field_ in form.inputs:
        if field_.get("type") == "hidden":
            continue
        assert field_.get("id") in form.labels and form.labels[str(field_["id"])], field_
    html = web_form(default_plan())
    assert '<html lang="en">' in html
    assert html.count("<fieldset") == html.count("<legend>")


def test_core_only_form_and_a_product_without_a_set() -> None:
    core = form_plan(load_default().sets)
    assert {q.key for q in core.questions} >= {"need", "timeline"}
    assert not {"site_goal", "seo_goal"} & {q.key for q in core.questions}
    with pytest.raises(FormPlanError, match="no question set for product 'boats'"):
        form_plan(load_default().sets, "boats")
    bare = tuple(
        replace(s, questions=tuple(replace(q, form_prompt="") for q in s.questions))
        for s in load_default().sets
    )
    with pytest.raises(FormPlanError, match="no question is on forms"):
        form_plan(bare)


def test_text_is_escaped() -> None:
    plan = default_plan()
    odd = replace(plan.questions[0], form_prompt='Fix <b>"this"</b> & that?')
    html = web_form(replace(plan, questions=(odd, *plan.questions[1:])))
    assert "<b>" not in html and "&lt;b&gt;&quot;this&quot;&lt;/b&gt; &amp; that?" in html


def test_cf7_template_and_fields_csv_name_the_same_keys_as_the_html() -> None:
    plan = default_plan()
    html_names = [i["name"] for i in read(web_form(plan)).inputs]
    html_keys = list(dict.fromkeys(html_names))
    cf7 = cf7_template(plan)
    import re

    form_tab = cf7.split("<!-- Mail tab")[0]
    cf7_keys = [m[1] for m in re.finditer(r"\[(?:\w+\*?) ([A-Za-z_]\w*)", form_tab)]
    rows = list(csv.reader(io.StringIO(fields_csv(plan))))
    assert tuple(rows[0]) == FIELDS_HEADER
    csv_keys = [r[0] for r in rows[1:]]
    assert set(cf7_keys) == set(csv_keys) == set(html_keys) == set(plan.keys)
    assert csv_keys == list(plan.keys)
    timeline = next(r for r in rows if r[0] == "timeline")
    assert timeline[1] == "When are you looking to start?" and timeline[2] == "choice"
    assert timeline[3].startswith("this_month=This month | 1_3_months=In 1 to 3 months")
    assert timeline[4] == "yes"
    challenge = next(r for r in rows if r[0] == "challenge")
    assert challenge[4] == "yes, when need = yes"
    assert rows[-2:] == [
        [FORM_ID_FIELD, plan.versions, "hidden", "", "no"],
        ["product", "website", "hidden", "", "no"],
    ]
    assert '"This month|this_month"' in cf7 and "[radio* timeline use_label_element" in cf7
    # A conditional question cannot be required in CF7 (it has no conditions).
    assert "[textarea challenge]" in cf7 and f'[hidden {FORM_ID_FIELD} "{plan.versions}"]' in cf7
    assert "timeline: [timeline]" in cf7.split("<!-- Mail tab")[1]


# ---------------------------------------------------------------- the inline script's conditions

NODE = shutil.which("node")


def _answers() -> st.SearchStrategy[dict[str, object]]:
    plan = default_plan()
    values: dict[str, st.SearchStrategy[object]] = {}
    for q in plan.questions:
        if q.answer_type is AnswerType.YES_NO:
            values[q.key] = st.sampled_from(["yes", "no"])
        elif q.answer_type is AnswerType.CHOICE:
            values[q.key] = st.sampled_from([o.key for o in q.options])
        elif q.answer_type is AnswerType.MULTI_CHOICE:
            values[q.key] = st.lists(st.sampled_from([o.key for o in q.options]), unique=True)
        elif q.answer_type in (AnswerType.NUMBER, AnswerType.MONEY):
            values[q.key] = st.integers(0, 50_000)
        else:
            values[q.key] = st.text(alphabet=" ab", max_size=3)
    return st.fixed_dictionaries({}, optional=values)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@settings(max_examples=1, deadline=None)
@given(st.lists(_answers(), min_size=60, max_size=60))
def test_the_inline_script_decides_conditions_as_the_rules_do(
    batch: list[dict[str, object]],
) -> None:
    conditions = [q.condition for q in default_plan().questions if q.condition is not None]
    conditions += [r.condition for r in load_default().rules.rules]
    cases = [(c, a) for c in conditions for a in batch]
    from repdesk.core.conditions import condition_to_data

    payload = json.dumps([[condition_to_data(c), a] for c, a in cases])
    program = (
        "const vm = require('vm'); const ctx = {}; vm.runInNewContext(process.argv[1], ctx);"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(([c, a]) => ctx.repdeskHolds(c, a))));"
    )
    assert NODE is not None
    out = subprocess.run(
        [NODE, "-e", program, SCRIPT], input=payload, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    expected = [evaluate_condition(c, {k: _typed(v) for k, v in a.items()}) for c, a in cases]
    assert got == expected


def _typed(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value
