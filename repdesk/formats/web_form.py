"""A standalone, accessible HTML form from the question sets (`repdesk script form FILE.html`).

Field names are question keys and values option keys, so the answers that come back map to the
questions by key even after the wording changed. Conditions are data attributes that a small inline
script honours (the same rules as core.scoring); without the script every question shows.
"""

from __future__ import annotations

import json
from html import escape

from repdesk.core.conditions import condition_to_data, format_condition
from repdesk.core.form_plan import (
    CONTACT_FIELDS,
    FORM_ID_FIELD,
    MESSAGE_FIELD,
    PRODUCT_FIELD,
    ContactField,
    FormPlan,
    choices,
)
from repdesk.core.questions import AnswerType, Question

_INPUT_TYPES = {
    AnswerType.NUMBER: ('type="number" step="any" inputmode="decimal"', ""),
    AnswerType.MONEY: ('type="text" inputmode="decimal"', "an amount, e.g. 12,500"),
    AnswerType.DATE: ('type="date"', "YYYY-MM-DD"),
}

_STYLE = """
:root { color-scheme: light dark; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
        --field: #ffffff; --page: #f6f8fa; --accent: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e6edf3; --muted: #9198a1; --line: #3d444d; --field: #0d1117;
          --page: #151b23; --accent: #4493f8; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
       font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 40rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
p.intro { color: var(--muted); margin: 0 0 1.5rem; }
.field, fieldset { margin: 0 0 1.25rem; }
fieldset { border: 0; padding: 0; min-width: 0; }
legend { font-weight: 600; padding: 0; margin-bottom: .3rem; }
label.top { display: block; font-weight: 600; margin-bottom: .3rem; }
.need { color: var(--muted); font-weight: 400; font-size: .9em; }
input[type=text], input[type=email], input[type=tel], input[type=number], input[type=date],
textarea { width: 100%; padding: .6rem .7rem; border: 1px solid var(--line); border-radius: 6px;
           background: var(--field); color: var(--ink); font: inherit; }
textarea { min-height: 6rem; resize: vertical; }
.choice { display: flex; gap: .6rem; align-items: flex-start; padding: .25rem 0 .25rem .1rem; }
.choice input { width: 1.15rem; height: 1.15rem; margin: .2rem 0 0; accent-color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { font: inherit; font-weight: 600; padding: .7rem 1.6rem; border: 0; border-radius: 6px;
         background: var(--accent); color: #fff; cursor: pointer; }
[hidden] { display: none !important; }
"""

# The same rules as core.scoring.evaluate_condition and effective_answers: a comparison on an
# unanswered question is false; a question whose condition fails is hidden, its inputs disabled
# (so they are not sent), and its answer does not count for the questions after it.
SCRIPT = r"""
(function () {
  "use strict";
  var CODES = /^(usd|eur|gbp|chf|cad|aud)|(usd|eur|gbp|chf|cad|aud)$/g;
  function num(v) {
    var t = String(v).trim().toLowerCase().replace(CODES, "").replace(/[\s$€£¥]/g, "");
    var m = /^([-+]?)(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?([km]?)$/.exec(t);
    if (!m || (m[2] === undefined && m[3] === undefined)) { return NaN; }
    var n = parseFloat((m[2] || "0").replace(/,/g, "") + (m[3] || ""));
    n = n * ({ "": 1, k: 1e3, m: 1e6 })[m[4]];
    return m[1] === "-" ? -n : n;
  }
  function answered(a) {
    if (a === undefined || a === null) { return false; }
    return Array.isArray(a) ? a.length > 0 : String(a).trim() !== "";
  }
  function same(a, v) {
    if (Array.isArray(a)) { return a.some(function (x) { return same(x, v); }); }
    if (typeof v === "number") { var n = num(a); return !isNaN(n) && n === v; }
    return String(a) === String(v);
  }
  function ordered(a, v, op) {
    var x, y, day = /^\d{4}-\d{2}-\d{2}$/;
    if (Array.isArray(a)) { return false; }
    if (typeof v === "number") { x = num(a); y = v; if (isNaN(x)) { return false; } }
    else if (day.test(String(v)) && day.test(String(a))) { x = String(a); y = String(v); }
    else { return false; }
    return op === "gte" ? x >= y : x <= y;
  }
  function holds(c, ans) {
    if (c.all) { return c.all.every(function (d) { return holds(d, ans); }); }
    if (c.any) { return c.any.some(function (d) { return holds(d, ans); }); }
    if (c.not) { return !holds(c.not, ans); }
    var a = ans[c.question];
    if (!answered(a)) { return false; }
    switch (c.op) {
      case "answered": return true;
      case "eq": return same(a, c.value);
      case "ne": return !same(a, c.value);
      case "in": return c.value.some(function (v) { return same(a, v); });
      case "not_in": return !c.value.some(function (v) { return same(a, v); });
      default: return ordered(a, c.value, c.op);
    }
  }
  if (typeof document === "undefined") { this.repdeskHolds = holds; return; }
  var form = document.getElementById("repdesk-form");
  var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));
  function inputs(b) { return Array.prototype.slice.call(b.querySelectorAll("input, textarea")); }
  function valueOf(b) {
    var all = inputs(b), boxes = all.filter(function (i) { return i.type === "checkbox"; });
    if (boxes.length) {
      return boxes.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    var radios = all.filter(function (i) { return i.type === "radio"; });
    if (radios.length) {
      var on = radios.filter(function (i) { return i.checked; });
      return on.length ? on[0].value : undefined;
    }
    return all.length ? all[0].value : undefined;
  }
  function update() {
    var ans = {};
    blocks.forEach(function (b) {
      var when = b.getAttribute("data-when");
      var show = !when || holds(JSON.parse(when), ans);
      var need = b.hasAttribute("data-required");
      b.hidden = !show;
      inputs(b).forEach(function (i) {
        i.disabled = !show;
        if (need && i.type !== "checkbox") { i.required = show; }
      });
      var value = valueOf(b);
      if (show && need) {
        var boxes = inputs(b).filter(function (i) { return i.type === "checkbox"; });
        if (boxes.length) {
          boxes[0].setCustomValidity(answered(value) ? "" : "Please choose at least one.");
        }
      }
      if (show && answered(value)) { ans[b.getAttribute("data-question")] = value; }
    });
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
}).call(this);
"""


def web_form(plan: FormPlan, *, action: str = "", title: str = "") -> str:
    """The whole HTML document; `action` is where the browser sends it (empty: the page itself)."""
    heading = title or "Tell us about your project"
    body = [_contact(f) for f in CONTACT_FIELDS]
    body += [_question(q) for q in plan.questions]
    body.append(_contact(MESSAGE_FIELD))
    target = f' action="{escape(action, quote=True)}"' if action else ""
    versions = escape(plan.versions, quote=True)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="repdesk">',
            f'<meta name="repdesk-sets" content="{versions}">',
            f"<title>{escape(heading)}</title>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            "<main>",
            f"<!-- Made by repdesk from the question sets {escape(plan.versions)}. Field names are "
            "question keys and values option keys: keep them, and answers map to the questions. "
            "-->",
            f"<h1>{escape(heading)}</h1>",
            '<p class="intro">A few questions help us get back to you with the right answer. '
            'Fields marked <span class="need">(required)</span> are needed.</p>',
            f'<form id="repdesk-form" method="post"{target} accept-charset="utf-8">',
            f'<input type="hidden" name="{FORM_ID_FIELD}" value="{versions}">',
            *_product_field(plan),
            *body,
            '<button type="submit">Send</button>',
            "</form>",
            "</main>",
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _product_field(plan: FormPlan) -> list[str]:
    if not plan.product:
        return []
    value = escape(plan.product, quote=True)
    return [f'<input type="hidden" name="{PRODUCT_FIELD}" value="{value}">']


def _need(required: bool) -> str:
    return ' <span class="need">(required)</span>' if required else ""


def _contact(f: ContactField) -> str:
    need = " required" if f.required else ""
    common = f'id="f-{f.name}" name="{f.name}" autocomplete="{f.autocomplete}"{need}'
    if f.kind == "textarea":
        field = f"<textarea {common}></textarea>"
    else:
        field = f'<input type="{f.kind}" {common}>'
    label = f'<label class="top" for="f-{f.name}">{escape(f.label)}{_need(f.required)}</label>'
    return f'<div class="field">{label}{field}</div>'


def _question(q: Question) -> str:
    """One question's block: data-question (its key), data-when (its condition), data-required."""
    key = escape(q.key, quote=True)
    attrs = [f'data-question="{key}"']
    if q.condition is not None:
        attrs.append(f'data-when="{escape(json.dumps(condition_to_data(q.condition)))}"')
        attrs.append(f'data-when-text="{escape(format_condition(q.condition), quote=True)}"')
    # Required on the page only when the question always shows: a conditional one is required by
    # the script while it is shown (without the script it shows, and may be left empty).
    always = q.required and q.condition is None
    if q.required:
        attrs.append("data-required")
    prompt = escape(q.form_prompt)
    if q.answer_type.has_options or q.answer_type is AnswerType.YES_NO:
        kind = "checkbox" if q.answer_type is AnswerType.MULTI_CHOICE else "radio"
        need = " required" if always and kind == "radio" else ""
        rows = []
        for value, label in choices(q):
            ident = f"q-{key}-{escape(value, quote=True)}"
            rows.append(
                f'<div class="choice"><input type="{kind}" id="{ident}" name="{key}" '
                f'value="{escape(value, quote=True)}"{need}>'
                f'<label for="{ident}">{escape(label)}</label></div>'
            )
        legend = f"<legend>{prompt}{_need(q.required)}</legend>"
        return f"<fieldset {' '.join(attrs)}>{legend}{''.join(rows)}</fieldset>"
    need = " required" if always else ""
    label = f'<label class="top" for="q-{key}">{prompt}{_need(q.required)}</label>'
    if q.answer_type is AnswerType.TEXT:
        field = f'<textarea id="q-{key}" name="{key}"{need}></textarea>'
    else:
        kind, hint = _INPUT_TYPES[q.answer_type]
        placeholder = f' placeholder="{escape(hint, quote=True)}"' if hint else ""
        field = f'<input {kind} id="q-{key}" name="{key}"{placeholder}{need}>'
    return f'<div class="field" {" ".join(attrs)}>{label}{field}</div>'
