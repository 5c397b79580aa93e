"""Rules read as plain options: "Có: 0,5 điểm; Không: 0", "Đúng quy định … / Không đúng …".

An option's id is a short slug of its wording (co, khong, dung-quy-dinh) so answers files
stay readable; "Không phát sinh: điểm tối đa" becomes the not-applicable option with full points.
"""

from __future__ import annotations

import re
from decimal import Decimal

from catalog_draft.bands import BEST_NOT_MAX
from catalog_draft.clauses import Clause
from catalog_draft.leaf import RuleContext, manual
from catalog_draft.model import Guess, Note
from catalog_draft.numbers import plain
from scoring.i18n import N_
from scoring.values import fold_chars

_NA = re.compile(r"khong phat sinh|khong ap dung|khong co [^;]{0,40}phat sinh")
MAX_LABEL = 60
ADDITIVE = N_(
    "the rule adds up separate parts (%(parts)s); split it into sub-items or score it by hand"
)
ONE_OPTION = N_("the rule names one case only; “%(label)s” was added for the others")


def slug(label: str) -> str:
    words = re.findall(r"[a-z0-9]+", fold_chars(label))
    return "-".join(words[:3])[:24] or "lua-chon"


def short(label: str) -> str:
    text = " ".join(label.split()).strip(" :.-")
    if len(text) <= MAX_LABEL:
        return text
    cut = text[: MAX_LABEL - 1].rsplit(" ", 1)[0]
    return cut + "…"


def additive(pairs: list[tuple[Clause, Decimal]], maxp: Decimal) -> Note | None:
    """Parts that add up to the max (0,3 for content + 0,2 for timeliness) are not options."""
    positive = [p for _, p in pairs if p > 0]
    if len(positive) >= 2 and max(positive) < maxp and sum(positive) == maxp:
        return Note(ADDITIVE, {"parts": tuple(plain(p) for p in positive)})
    return None


def choice_guess(
    clauses: list[Clause], pairs: list[tuple[Clause, Decimal]], ctx: RuleContext
) -> Guess:
    phrase = "; ".join(c.text for c, _ in pairs[:3])
    options: list[dict[str, object]] = []
    ids: set[str] = set()
    na_policy = None
    review: list[Note] = []
    for clause, points in pairs:
        label = short(clause.label) or short(clause.text)
        if _NA.search(clause.folded) and points == ctx.maxp:
            options.append({"id": "na", "label": label, "na": True})
            na_policy = "full"
            continue
        oid = slug(label)
        while oid in ids or oid == "na":
            oid = f"{oid}-{len(ids) + 1}"
        ids.add(oid)
        options.append({"id": oid, "label": label, "points": plain(points)})
    scored = [o for o in options if not o.get("na")]
    if len(scored) == 1:
        other = "Không" if scored[0]["points"] != 0 else "Có"
        oid = "khong" if other == "Không" else "co"
        if oid in ids:
            oid = f"{oid}-2"
        options.append(
            {"id": oid, "label": other, "points": Decimal(0) if other == "Không" else ctx.maxp}
        )
        review.append(Note(ONE_OPTION, {"label": other}))
    best_points: list[Decimal] = []
    for o in options:
        value = o.get("points")
        if not o.get("na") and isinstance(value, Decimal):
            best_points.append(value)
    best = max(best_points, default=Decimal(0))
    if best != ctx.maxp:
        return manual(ctx.maxp, phrase, Note(BEST_NOT_MAX, {"best": best, "max": ctx.maxp}))
    return Guess(
        "choice", {"kind": "choice", "options": options}, phrase, na=na_policy, review=review
    )
