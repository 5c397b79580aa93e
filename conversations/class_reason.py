"""The reason for a unit's class, in words: "≥ 90 nhưng lĩnh vực 3 chỉ đạt 72% (< 80%)".

Shown wherever a class is shown (/rank, /progress, the ranking sheet, the chart legend, the
CLI), so nobody has to guess why 95,75 points gave a lower class.
"""

from __future__ import annotations

from decimal import Decimal

from conversations.i18n import fmt_num, t
from scoring.catalog import Catalog, ClassRule
from scoring.classes import Condition
from scoring.results import ResultSummary


def _met(locale: str, c: Condition) -> str:
    def n(v: Decimal) -> str:
        return fmt_num(v, locale)

    if c.what == "index":
        return t(locale, "≥ %(limit)s", limit=n(c.limit))
    if c.what == "fields":
        return t(locale, "every field ≥ %(limit)s%%", limit=n(c.limit))
    if c.what == "field":
        return t(
            locale,
            "field %(code)s %(pct)s%% (≥ %(limit)s%%)",
            code=c.field,
            pct=n(c.actual),
            limit=n(c.limit),
        )
    return t(
        locale, "%(points)s penalty points (≤ %(limit)s)", points=n(c.actual), limit=n(c.limit)
    )


def _failed(locale: str, c: Condition) -> str:
    def n(v: Decimal) -> str:
        return fmt_num(v, locale)

    if c.what == "index":
        return t(locale, "index only %(index)s (< %(limit)s)", index=n(c.actual), limit=n(c.limit))
    if c.what in ("field", "fields"):
        return t(
            locale,
            "field %(code)s only %(pct)s%% (< %(limit)s%%)",
            code=c.field or "",
            pct=n(c.actual),
            limit=n(c.limit),
        )
    return t(
        locale, "%(points)s penalty points (> %(limit)s)", points=n(c.actual), limit=n(c.limit)
    )


def rule_text(locale: str, rule: ClassRule) -> str:
    """What a class asks, for a chart legend: "≥ 90, every field ≥ 80%"."""

    def n(v: Decimal) -> str:
        return fmt_num(v, locale)

    parts = []
    if rule.min_index is not None:
        parts.append(t(locale, "≥ %(limit)s", limit=n(rule.min_index)))
    if rule.field_pcts:
        parts.extend(
            t(locale, "field %(code)s ≥ %(limit)s%%", code=code, limit=n(limit))
            for code, limit in rule.field_pcts.items()
        )
    elif rule.min_field_pct is not None:
        parts.append(t(locale, "every field ≥ %(limit)s%%", limit=n(rule.min_field_pct)))
    if rule.max_penalty is not None:
        parts.append(t(locale, "penalty ≤ %(limit)s", limit=n(rule.max_penalty)))
    return ", ".join(parts)


def class_reason(locale: str, catalog: Catalog, result: ResultSummary) -> str:
    """Why ``result`` has its class, in ``locale``; empty when its rule has no conditions."""
    reason = result.class_reason(catalog)
    met = ", ".join(_met(locale, c) for c in reason.met)
    failed = ", ".join(_failed(locale, c) for c in reason.failed)
    if failed and met:
        return t(locale, "%(met)s but %(failed)s", met=met, failed=failed)
    return failed or met


def class_name(locale: str, catalog: Catalog, rank: int) -> str:
    """The class of a rank in ``locale`` (the catalog may give ``label_en``)."""
    rule = catalog.class_rule(rank)
    if rule is None:
        return t(locale, "Not classified")
    return rule.label_en if locale == "en" and rule.label_en else rule.label


def class_shown(locale: str, catalog: Catalog, result: ResultSummary) -> str:
    """ "Tốt — ≥ 90 nhưng lĩnh vực 3 chỉ đạt 72% (< 80%)" (the label alone without a reason)."""
    label = class_name(locale, catalog, result.class_rank)
    reason = class_reason(locale, catalog, result)
    return f"{label} — {reason}" if reason else label
