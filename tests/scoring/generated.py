"""A generated assessment that exercises every answer kind and rule of scoring: the sample
commune catalog (choice with 'na' options, ratio, proportional, number, deduction, date, manual,
survey, bonus, penalty, applies_to, 'na: exclude' and 'na: full') plus a ``zero_unless``, a
scoped field leaf and a choice whose not-applicable option counts full points, and random
answers for many units — including 'not applicable' (typed or the choice's option), zero
denominators, values the catalog no longer accepts and text that is not an answer at all."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from decimal import Decimal

from scoring.answers import Answer
from scoring.catalog import Catalog, Item, sample_catalog_paths
from scoring.catalog_loader import load_catalog

ZERO_UNLESS = (
    '          - code: "1.1.2"\n',
    '          - code: "1.1.2"\n            zero_unless: "1.1.1"\n',
)
SCOPED = (
    "                title: Thời gian ban hành Kế hoạch CCHC năm 2024\n",
    "                title: Thời gian ban hành Kế hoạch CCHC năm 2024\n"
    "                applies_to: [phuong]\n",
)
NA_FULL_OPTION = (
    '                - {id: na, label: "Không phát sinh hồ sơ liên thông", na: true}\n'
    "            na: exclude\n",
    '                - {id: na, label: "Không phát sinh hồ sơ liên thông", na: true}\n'
    "            na: full\n",
)


def catalog_yaml(survey_missing: str = "rescale") -> str:
    text = sample_catalog_paths()["xa-mau-2024"].read_text("utf-8")
    for old, new in (ZERO_UNLESS, SCOPED, NA_FULL_OPTION):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    text = text.replace("\nlocale: vi\n", "\n")  # the chat's own language, as the tests use
    return text.replace(
        "\nclassification:", f"\nsurvey_missing: {survey_missing}\nclassification:", 1
    )


def catalog(survey_missing: str = "rescale") -> Catalog:
    return load_catalog(catalog_yaml(survey_missing))


def _dec(x: float | int) -> Decimal:
    return Decimal(str(x))


def random_answer(item: Item, rnd: random.Random) -> Answer | None:
    """A value an officer could have given (None: left unanswered)."""
    spec = item.answer
    assert spec is not None
    if rnd.random() < 0.1:
        return None
    if item.na is not None and rnd.random() < 0.08:
        return Answer(na=True)
    kind = spec.kind
    if kind == "choice":
        na = [o.id for o in spec.options if o.na]
        if na and rnd.random() < 0.08:
            return Answer(option=na[0])  # the choice's "không áp dụng" option
        return Answer(option=rnd.choice([o.id for o in spec.options if not o.na]))
    if kind in ("ratio", "proportional"):
        den = rnd.choice([0, 1, 3, 4, 7, 10, 50, 1300])
        num = rnd.randint(0, den) if den else 0
        return Answer(num=_dec(num), den=_dec(den))
    if kind == "number":
        return Answer(number=_dec(rnd.choice([0, 1, 2, 3, 5, 8, 10, 12, 20, 100])))
    if kind == "deduction":
        return Answer(number=_dec(rnd.randint(0, 12)))
    if kind == "date":
        if rnd.random() < 0.15:
            return Answer(done=False)
        assert spec.deadline is not None
        return Answer(on=spec.deadline + timedelta(days=rnd.randint(-20, 20)))
    if kind == "manual":
        steps = int(item.max / spec.step)
        return Answer(points=spec.step * rnd.randint(0, steps))
    return None  # survey: from the survey, never answered


def stored_texts(cat: Catalog, rnd: random.Random) -> dict[str, str]:
    """One unit's answers as stored (JSON text), a few of them stale or unreadable."""
    out: dict[str, str] = {}
    for leaf in cat.every_leaf:
        answer = random_answer(leaf, rnd)
        if answer is not None:
            out[leaf.code] = json.dumps(answer.to_json())
        roll = rnd.random()
        if roll < 0.01:
            out[leaf.code] = json.dumps({"option": "gone"})  # an option since removed
        elif roll < 0.015:
            out[leaf.code] = json.dumps({"number": "2"}) if leaf.kind == "choice" else "{}"
        elif roll < 0.02:
            out[leaf.code] = "not json"
    return out


def appraised(cat: Catalog, rnd: random.Random) -> dict[str, Decimal]:
    """Appraisers' points on some leaves (sometimes above the max, which is capped)."""
    leaves = [x for x in cat.every_leaf if rnd.random() < 0.1]
    return {x.code: x.max * _dec(rnd.choice([0, 0.5, 1, 1.5])) for x in leaves}


def survey(cat: Catalog, rnd: random.Random) -> dict[str, Decimal]:
    """Survey points for all, some or none of the survey leaves."""
    leaves = [x for x in cat.field_leaves() if x.is_survey]
    share = rnd.choice([0, 0.5, 1])
    return {
        x.code: (x.max * _dec(rnd.randint(0, 100)) / 100) for x in leaves if rnd.random() < share
    }


def tags(rnd: random.Random) -> frozenset[str]:
    return frozenset(rnd.choice([(), ("phuong",), ("xa",), ("phuong", "mot_cua")]))
