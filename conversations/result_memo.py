"""Units' results kept by exactly what they are computed from, across updates.

A unit's answers are read afresh on every update (several officers answer at once), and most
updates change none of them: the card shown after a save, the next card, /progress. Scoring is
a pure function of the parsed catalog, the unit's tags, the stored answer values, the appraised
and survey points (and the decimal context), so its result is kept under a key holding all of
them written out exactly — ``repr`` tells ``1`` from ``1.0`` and ``True``, and
``Decimal("1.0")`` from ``Decimal("1")``, which compare equal but do not print the same — and
reused only for the very same inputs: never a stale result, only a recomputation saved.

The results kept are shared, so nothing may change one (none of its readers does: a
UnitResult is frozen; its ``leaves`` and ``counts`` mappings are only read).
"""

from __future__ import annotations

import decimal
from collections.abc import Hashable, Mapping
from decimal import Decimal

from conversations.bounded import put_newest
from scoring.catalog import Catalog
from scoring.results import UnitResult
from storage.repositories.rows import AnswerRow

LIMIT = 256
"""Results kept (the units answered lately); each is a few tens of kB."""

_KEPT: dict[Hashable, tuple[Catalog, UnitResult]] = {}


def content_key(
    catalog: Catalog,
    tags: frozenset[str],
    answers: Mapping[str, AnswerRow],
    appraised: Mapping[str, Decimal],
    survey: Mapping[str, Decimal],
) -> Hashable:
    """Everything a unit's result is computed from, exactly (the catalog by identity: a parsed
    catalog is immutable, and :func:`recall` checks it is still the same object)."""
    context = decimal.getcontext()
    return (
        id(catalog),
        context.prec,
        context.rounding,
        tags,
        tuple((code, repr(row.value)) for code, row in answers.items()),
        tuple((code, repr(points)) for code, points in appraised.items()),
        tuple((code, repr(points)) for code, points in survey.items()),
    )


def recall(key: Hashable, catalog: Catalog) -> UnitResult | None:
    """The result kept for ``key``, computed with this very catalog object."""
    kept = _KEPT.get(key)
    return kept[1] if kept is not None and kept[0] is catalog else None


def keep(key: Hashable, catalog: Catalog, result: UnitResult) -> None:
    """Keep ``result`` (the oldest result kept goes first once :data:`LIMIT` are kept)."""
    put_newest(_KEPT, key, (catalog, result), LIMIT)


def forget() -> None:
    """Drop every result kept (tests)."""
    _KEPT.clear()
