"""The draft's report: for ``--json`` (every number a person would count by hand) and as short
lines for the command line and the chat (what was found, what to check)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from catalog_draft.draft import Draft
from catalog_draft.model import Node, Translate
from scoring.i18n import N_

FOUND = N_("Read %(file)s: %(fields)s fields, %(leaves)s items to score, %(max)s points in all.")
FIELD_LINE = N_("Field %(code)s: %(items)s items, %(max)s points")
KINDS_LINE = N_("Kinds guessed: %(kinds)s")
EXTRAS_LINE = N_("Bonus: %(bonus)s items; penalty: %(penalty)s items; classes: %(classes)s")
REVIEW_HEAD = N_("To check (%(n)s):")
REVIEW_NONE = N_("Nothing needs checking; still read the draft before importing it.")
INVALID = N_("The draft does not validate yet:")


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _children_sum(node: Node) -> Decimal:
    return sum((c.max or Decimal(0) for c in node.children), Decimal(0))


def report_json(
    draft: Draft, translate: Translate = str, num: Callable[[Decimal], str] = str
) -> dict[str, Any]:
    """Everything a person would count by hand; numbers as JSON numbers, reasons as text in
    the caller's language (with its decimals)."""
    tree = draft.tree
    leaves = [leaf for root in tree.roots() for leaf in root.leaves()]
    inner = [n for root in tree.roots() for n in root.walk() if n.children]
    fields_total = sum((f.max or Decimal(0) for f in tree.fields), Decimal(0))
    return {
        "file": draft.name,
        "format": draft.format,
        "catalog": draft.catalog_id,
        "title": draft.extras.title,
        "decision": draft.extras.decision,
        "year": draft.extras.year,
        "board": draft.board,
        "valid": draft.valid,
        "problems": draft.problems,
        "fields": [
            {
                "code": f.code,
                "title": f.title,
                "max": _f(f.max),
                "stated_max": _f(f.stated_max),
                "criteria": len(f.children),
                "items": sum(1 for _ in f.leaves()),
            }
            for f in tree.fields
        ],
        "total": {"sum": _f(fields_total), "stated": _f(draft.stated_total)},
        "sums": [
            {
                "code": n.code,
                "stated": _f(n.stated_max if n.stated_max is not None else n.max),
                "sum": _f(_children_sum(n)),
                "ok": n.stated_max is None,
            }
            for n in inner
        ],
        "leaves": [_leaf_json(leaf, translate, num) for leaf in leaves],
        "kinds": dict(Counter(leaf.guess.kind for leaf in leaves if leaf.guess)),
        "bonus": {"max": _f(tree.bonus_cap), "items": [b.code for b in tree.bonus]},
        "penalty": {"max": _f(tree.penalty_cap), "items": [p.code for p in tree.penalty]},
        "classification": [
            {
                k: (_f(v) if isinstance(v, Decimal) else v)
                for k, v in vars(r).items()
                if v is not None and k != "phrase"
            }
            for r in draft.extras.classification
        ],
        "review": [
            {"code": code, "reason": note.render(translate, num)} for code, note in draft.review()
        ],
    }


def _leaf_json(leaf: Node, translate: Translate, num: Callable[[Decimal], str]) -> dict[str, Any]:
    g = leaf.guess
    assert g is not None
    return {
        "code": leaf.code,
        "title": leaf.title,
        "section": leaf.section,
        "max": _f(leaf.max),
        "kind": g.kind,
        "phrase": g.phrase,
        "review": [n.render(translate, num) for n in [*leaf.review, *g.review]],
    }


def report_lines(
    draft: Draft, translate: Translate, num: Callable[[Decimal], str], *, fields: bool = True
) -> list[str]:
    """What the officer reads first: the counts, then exactly the list to check."""
    tree = draft.tree
    leaves = [leaf for root in tree.roots() for leaf in root.leaves()]
    total = sum((f.max or Decimal(0) for f in tree.fields), Decimal(0))
    out = [
        translate(FOUND)
        % {"file": draft.name, "fields": len(tree.fields), "leaves": len(leaves), "max": num(total)}
    ]
    if fields:
        for f in tree.fields:
            n = sum(1 for _ in f.leaves())
            out.append(
                translate(FIELD_LINE)
                % {"code": f.code, "items": n, "max": num(f.max or Decimal(0))}
            )
    kinds = Counter(leaf.guess.kind for leaf in leaves if leaf.guess)
    out.append(
        translate(KINDS_LINE) % {"kinds": ", ".join(f"{k} {n}" for k, n in kinds.most_common())}
    )
    out.append(
        translate(EXTRAS_LINE)
        % {
            "bonus": len(list(x for b in tree.bonus for x in b.leaves())),
            "penalty": len(list(x for p in tree.penalty for x in p.leaves())),
            "classes": len(draft.extras.classification),
        }
    )
    review = draft.review()
    if review:
        out.append(translate(REVIEW_HEAD) % {"n": len(review)})
        out.extend(f"• {code}: {note.render(translate, num)}" for code, note in review)
    else:
        out.append(translate(REVIEW_NONE))
    if not draft.valid:
        out.append(translate(INVALID))
        out.extend(f"• {p}" for p in draft.problems)
    return out
