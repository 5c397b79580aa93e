"""Lines → the item tree: parents from the codes, sections from grouping rows, sums checked.

"1.2.3" hangs under "1.2"; a part "a" under the last numbered item. A grouping row (I, II, A, B,
or a field titled "Điểm thưởng, điểm trừ") switches the section: fields, bonus, penalty, or
fields scored by the sociological survey. A parent whose maximum differs from its children's
sum is reported with both numbers and drafted with the sum, so the draft still validates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from catalog_draft.extras import sentence_case
from catalog_draft.model import Node, Note, Section
from catalog_draft.numbers import plain, to_decimal
from catalog_draft.rows import Line
from catalog_draft.rules import SURVEY
from conversations.plan.text import nfc
from scoring.i18n import N_
from scoring.values import fold_chars

_BONUS = re.compile(r"diem thuong|diem cong|cong diem|thuong diem")
_PENALTY = re.compile(r"diem tru|tru diem")
_CAP = re.compile(r"toi da\s+(\d+(?:[.,]\d+)?)\s*(?:diem|d)\b")
PREFIX: dict[str, str] = {"bonus": "T", "penalty": "TR"}

SUM_MISMATCH = N_("the document gives %(stated)s points but its sub-items add up to %(sum)s")
MAX_FROM_CHILDREN = N_("no maximum in the document; the sum of the sub-items (%(sum)s) is used")
NO_PARENT = N_("no row with code %(parent)s above it; it was put under %(put)s")
DUPLICATE = N_("the code %(code)s appears twice; the second one was renamed %(new)s")
NO_CODE = N_("this row has points but no code; it was numbered %(code)s")
LEAF_NO_MAX = N_("no maximum was found for this item; %(max)s was assumed")


@dataclass
class Tree:
    fields: list[Node] = field(default_factory=list)
    bonus: list[Node] = field(default_factory=list)
    penalty: list[Node] = field(default_factory=list)
    bonus_cap: Decimal | None = None
    penalty_cap: Decimal | None = None

    def roots(self) -> list[Node]:
        return [*self.fields, *self.bonus, *self.penalty]


@dataclass
class _State:
    section: Section | None = "field"  # None: mixed bonus/penalty, decided per item
    survey: str | None = None
    containers: set[str] = field(default_factory=set)
    last: Node | None = None
    prefixing: bool = False


class TreeBuilder:
    def __init__(self) -> None:
        self.tree = Tree()
        self.nodes: dict[str, Node] = {}
        self.state = _State()

    def add(self, line: Line) -> None:
        if line.kind == "group":
            self._group(line.title, line.max)
        elif line.kind == "item" and line.code is not None:
            self._item(line)
        else:
            self._part(line)

    # -- sections ---------------------------------------------------------------------------

    def _group(self, title: str, maxp: Decimal | None) -> None:
        f = fold_chars(title)
        bonus, penalty = bool(_BONUS.search(f)), bool(_PENALTY.search(f))
        st = self.state
        st.prefixing = False
        if bonus or penalty:
            st.section = None if bonus and penalty else ("bonus" if bonus else "penalty")
            st.survey = None
            cap = maxp if maxp is not None else _cap_in(f)
            if st.section == "bonus":
                self.tree.bonus_cap = cap
            elif st.section == "penalty":
                self.tree.penalty_cap = cap
            return
        st.section = "field"
        m = SURVEY.search(f)
        st.survey = nfc(title)[m.start() : m.end()] if m is not None else None

    # -- items ------------------------------------------------------------------------------

    def _item(self, line: Line) -> None:
        assert line.code is not None
        code = line.code
        st = self.state
        if "." not in code and st.section == "field":
            f = fold_chars(line.title)
            if _BONUS.search(f) or _PENALTY.search(f):
                self._group(line.title, line.max)
                st.containers.add(code)
                return
        parent_code = code.rsplit(".", 1)[0] if "." in code else None
        if st.prefixing or (st.section != "field" and code in self.nodes):
            st.prefixing = True
            code = PREFIX[self._section_for(line)] + code
            parent_code = PREFIX[self._section_for(line)] + parent_code if parent_code else None
        node = self._node(code, line)
        self._attach(node, line, parent_code)
        st.last = node

    def _attach(self, node: Node, line: Line, parent_code: str | None) -> None:
        st = self.state
        if parent_code is None or parent_code in st.containers:
            self._root(node, line)
        else:
            parent = self._ancestor(parent_code)
            if parent is None:
                self._root(node, line)
                node.review.append(Note(NO_PARENT, {"parent": parent_code, "put": "—"}))
            else:
                if parent.code != parent_code:
                    node.review.append(Note(NO_PARENT, {"parent": parent_code, "put": parent.code}))
                parent.children.append(node)
                node.survey_hint = node.survey_hint or parent.survey_hint

    def _part(self, line: Line) -> None:
        """A lettered (a, b) or unnumbered row with points: a part of the last item."""
        parent = self.state.last
        if parent is None:
            return
        letter = line.code if line.code else chr(ord("a") + len(parent.children))
        node = self._node(f"{parent.code}.{letter}", line)
        if line.code is None:
            node.review.append(Note(NO_CODE, {"code": node.code}))
        node.survey_hint = node.survey_hint or parent.survey_hint
        parent.children.append(node)

    def _node(self, code: str, line: Line) -> Node:
        original = code
        n = 2
        while code in self.nodes:
            code = f"{original}-{n}"
            n += 1
        section = self._section_for(line)
        parent_hint = self.state.survey
        own = SURVEY.search(fold_chars(line.title))
        hint = nfc(line.title)[own.start() : own.end()] if own is not None else parent_hint
        node = Node(
            code=code,
            title=_tidy_title(line.title) or code,
            max=line.max,
            section=section,
            rule=line.rule,
            evidence=line.evidence,
            row=line.row,
            survey_hint=hint if section == "field" else None,
        )
        if code != original:
            node.review.append(Note(DUPLICATE, {"code": original, "new": code}))
        self.nodes[code] = node
        return node

    def _section_for(self, line: Line) -> Section:
        st = self.state
        if st.section is not None:
            return st.section
        text = fold_chars(f"{line.title} {line.rule}")
        return "penalty" if re.search(r"\btru\b", text) else "bonus"

    def _root(self, node: Node, line: Line) -> None:
        if node.section == "bonus":
            self.tree.bonus.append(node)
        elif node.section == "penalty":
            self.tree.penalty.append(node)
        else:
            self.tree.fields.append(node)

    def _ancestor(self, code: str) -> Node | None:
        while code:
            if code in self.nodes:
                return self.nodes[code]
            if "." not in code:
                return None
            code = code.rsplit(".", 1)[0]
        return None

    # -- sums -------------------------------------------------------------------------------

    def finish(self) -> Tree:
        for root in self.tree.roots():
            _settle(root)
        return self.tree


def _tidy_title(title: str) -> str:
    """One line, and not shouted: field titles are often written in capitals."""
    return sentence_case(" ".join(title.split()))


def _cap_in(folded: str) -> Decimal | None:
    m = _CAP.search(folded)
    return to_decimal(m.group(1)) if m is not None else None


def _settle(node: Node) -> None:
    """Children first, then the parent's max against their sum."""
    if node.is_leaf:
        if node.max is None or node.max <= 0:
            guessed = _cap_in(fold_chars(node.rule)) or Decimal(1)
            node.review.append(Note(LEAF_NO_MAX, {"max": guessed}))
            node.max = guessed
        return
    for child in node.children:
        _settle(child)
    total = plain(sum((c.max or Decimal(0) for c in node.children), Decimal(0)))
    if node.max is None:
        node.review.append(Note(MAX_FROM_CHILDREN, {"sum": total}))
    elif node.max != total:
        node.review.append(Note(SUM_MISMATCH, {"stated": node.max, "sum": total}))
        node.stated_max = node.max
    node.max = total
