"""The draft as catalog YAML, with a comment on every guess and on everything to check.

Written by hand rather than by a YAML dumper, because the comments are the point: each leaf
says which kind was guessed from which words ("# đoán: …"), and each thing a person must look
at says so ("# KIỂM TRA: …"), next to the line it is about.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from catalog_draft.model import ClassRuleDraft, Node, Note, Translate
from catalog_draft.numbers import plain
from scoring.i18n import N_

GUESS = N_("guess: %(kind)s — from “%(phrase)s”")
GUESS_BARE = N_("guess: %(kind)s")
CHECK = N_("CHECK: %(reason)s")
HEADER = N_(
    "Draft criteria set made by parbot from %(file)s. Review it, then run "
    "`parbot catalog validate` and `parbot catalog import`."
)
HEADER_CHECKS = N_("Lines marked CHECK need a person to look at them (%(n)s in all).")
MAX_COMMENT = 160


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(plain(value), "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)


def flow(mapping: dict[str, object]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items()) + "}"


class Writer:
    def __init__(self, translate: Translate, num: Callable[[Decimal], str]) -> None:
        self.out: list[str] = []
        self.tr = translate
        self.num = num

    def line(self, indent: int, text: str) -> None:
        self.out.append(" " * indent + text)

    def comment(self, indent: int, text: str) -> None:
        one = " ".join(text.split())
        if len(one) > MAX_COMMENT:
            one = one[: MAX_COMMENT - 1] + "…"
        self.line(indent, f"# {one}")

    def checks(self, indent: int, notes: list[Note]) -> None:
        for note in notes:
            reason = note.render(self.tr, self.num)
            self.comment(indent, self.tr(CHECK) % {"reason": reason})

    def guess(self, indent: int, kind: str, phrase: str) -> None:
        if phrase:
            words = " ".join(phrase.split())
            self.comment(indent, self.tr(GUESS) % {"kind": kind, "phrase": words})
        else:
            self.comment(indent, self.tr(GUESS_BARE) % {"kind": kind})

    def classification(self, rules: list[ClassRuleDraft], phrase: str, notes: list[Note]) -> None:
        self.checks(0, notes)
        if phrase:
            self.guess(0, "classification", phrase)
        self.line(0, "classification:")
        for r in rules:
            data: dict[str, object] = {"label": r.label}
            for key in ("min_index", "min_field_pct", "max_penalty"):
                if getattr(r, key) is not None:
                    data[key] = getattr(r, key)
            self.line(2, f"- {flow(data)}")

    def node(self, node: Node, indent: int) -> None:
        pad = indent + 2
        self.line(indent, f"- code: {scalar(node.code)}")
        self.line(pad, f"title: {scalar(node.title)}")
        self.checks(pad, node.review)
        self.line(pad, f"max: {scalar(node.max)}")
        if node.children:
            self.line(pad, "items:")
            for child in node.children:
                self.node(child, pad + 2)
            return
        g = node.guess
        assert g is not None
        self.checks(pad, g.review)
        self.guess(pad, g.kind, g.phrase)
        self.answer(pad, g.answer)
        if g.na:
            self.line(pad, f"na: {g.na}")
        if node.evidence:
            self.line(pad, f"evidence: {scalar(node.evidence)}")
            if g.kind != "survey" and node.section == "field":
                self.line(pad, "evidence_required: true")
        if node.rule:
            self.line(pad, f"rule: {scalar(node.rule)}")

    def answer(self, indent: int, answer: dict[str, object]) -> None:
        self.line(indent, "answer:")
        for key, value in answer.items():
            if isinstance(value, list):
                self.line(indent + 2, f"{key}:")
                for entry in value:
                    assert isinstance(entry, dict)
                    self.line(indent + 4, f"- {flow(entry)}")
            elif key == "kind":
                self.line(indent + 2, f"kind: {value}")
            else:
                self.line(indent + 2, f"{key}: {scalar(value)}")

    def section(self, name: str, cap: Decimal, nodes: list[Node], notes: list[Note]) -> None:
        self.checks(0, notes)
        self.line(0, f"{name}:")
        self.line(2, f"max: {scalar(cap)}")
        self.line(2, "items:")
        for n in nodes:
            self.node(n, 4)

    def text(self) -> str:
        return "\n".join(self.out) + "\n"
