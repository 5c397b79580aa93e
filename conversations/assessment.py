"""Assessment use cases shared by the CLI and the chat: imports, results, standings, invites.

Imports are all-or-nothing: every bad row is reported with its file line number and nothing is
written, because a half-imported answer sheet silently skews a ranking.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import secrets
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from conversations import frozen, published
from conversations.class_reason import class_reason
from conversations.i18n import t
from scoring.answers import (
    Answer,
    AnswerError,
    fold,
    needs_explanation,
    parse_answer,
    score_answer,
)
from scoring.bulk import BulkScorer, BulkUnit
from scoring.catalog import DEFAULT_BOARDS, Catalog, Item
from scoring.catalog_loader import TAG_RE, load_catalog
from scoring.i18n import N_
from scoring.kinds import kind_of
from scoring.ranking import Entry, Ranked, rank_boards
from scoring.results import (
    FORMULA_VERSION,
    ResultSummary,
    ScoreMemo,
    UnitResult,
    compute,
    summarize,
)
from storage.repositories.rows import AnswerRow, PeriodRow, UnitRow
from storage.repositories.rows_catalog import CatalogItemRow, CatalogRow, ItemSpec, NewResult
from storage.repositories.rows_people import InviteRow
from storage.uow import UnitOfWork

ROLES = ("officer", "leader", "appraiser", "admin")


LINE = N_("line %(line)s")


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str
    params: dict[str, object]
    where: str = ""  # "X01 / 1.2.3": which answer the problem is about

    def render(self, translate: Any = None) -> str:
        tr = translate or (lambda m: m)
        text = tr(self.message) % self.params
        if self.where:
            text = f"{self.where}: {text}"
        return f"{tr(LINE) % {'line': self.line}}: {text}" if self.line else text


class RowsRejected(ValueError):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


class NotFound(LookupError):
    def __init__(self, message: str, **params: object):
        self.message = message
        self.params = params
        super().__init__(message % params)


# ------------------------------------------------------------------ catalogs

_CACHE: dict[str, Catalog] = {}


def catalog_of(row: CatalogRow) -> Catalog:
    """The domain catalog for a stored one; parsed once per content hash."""
    cat = _CACHE.get(row.sha256)
    if cat is None:
        cat = load_catalog(row.source_yaml)
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[row.sha256] = cat
    return cat


async def catalog_by_id(uow: UnitOfWork, catalog_id: int, sha256: str) -> Catalog:
    """The parsed catalog of version ``sha256``; its YAML is read only when this process has
    not parsed that version yet (never on every update)."""
    cat = _CACHE.get(sha256)
    if cat is not None:
        return cat
    row = await uow.catalogs.get(catalog_id)
    if row is None:
        raise LookupError(f"catalog {catalog_id} is gone")
    return catalog_of(row)


def item_specs(catalog: Catalog) -> list[ItemSpec]:
    out: list[ItemSpec] = []

    def walk(item: Item, parent: str | None) -> None:
        out.append(
            ItemSpec(
                code=item.code,
                title=item.title,
                max_points=item.max,
                parent_code=parent,
                kind=item.kind,
                section=item.section,
                is_leaf=item.is_leaf,
            )
        )
        for child in item.children:
            walk(child, item.code)

    for top in (*catalog.fields, *catalog.bonus, *catalog.penalty):
        walk(top, None)
    return out


async def ensure_period(uow: UnitOfWork, year: int) -> PeriodRow:
    period = await uow.periods.get_by_year(year)
    if period is None:
        period = await uow.periods.create(year, f"Chỉ số CCHC năm {year}")
    return period


def refuse_published(period: PeriodRow) -> None:
    """Raise the published-period refusal (with how to reopen) when ``period`` is published."""
    if period.published_at is not None:
        raise RowsRejected([RowProblem(0, frozen.PROBLEM, {"year": period.year})])


async def get_period(uow: UnitOfWork, year: int) -> PeriodRow:
    period = await uow.periods.get_by_year(year)
    if period is None:
        raise NotFound(N_("there is no assessment period %(year)s yet"), year=year)
    return period


async def import_catalog(uow: UnitOfWork, text: str, year: int) -> tuple[CatalogRow, Catalog, bool]:
    """Validate and store a catalog for one year; re-importing the same id updates it in place."""
    catalog = load_catalog(text)  # raises CatalogError
    period = await ensure_period(uow, year)
    refuse_published(period)
    for other in await uow.catalogs.list_for_period(period.id):
        if other.code != catalog.id and set(other.boards) & set(catalog.boards):
            raise RowsRejected(
                [
                    RowProblem(
                        0,
                        N_("board %(board)s already uses catalog %(other)s in %(year)s"),
                        {
                            "board": ",".join(sorted(set(other.boards) & set(catalog.boards))),
                            "other": other.code,
                            "year": year,
                        },
                    )
                ]
            )
    existing = await uow.catalogs.get_by_code(period.id, catalog.id)
    specs = item_specs(catalog)
    if existing is None:
        row = await uow.catalogs.create(
            period.id, catalog.id, catalog.title, catalog.boards, text, specs
        )
        created = True
    else:
        row = await uow.catalogs.replace(existing.id, catalog.title, catalog.boards, text, specs)
        created = False
    await uow.catalogs.ensure_boards(catalog.boards)
    for board in catalog.boards:
        await uow.units.set_catalog_for_board(period.id, board, row.id)
    return row, catalog, created


# ------------------------------------------------------------------ CSV helpers


def read_csv(
    text: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[tuple[int, dict[str, str]]]:
    """Rows with their file line numbers; the header must name the required columns."""
    text = text.lstrip("\ufeff")  # Excel writes a BOM
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise RowsRejected(
            [
                RowProblem(
                    1,
                    N_("the header must have the columns %(columns)s (missing: %(missing)s)"),
                    {"columns": ",".join(required + optional), "missing": ",".join(missing)},
                )
            ]
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        clean = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(clean.values()):
            continue
        rows.append((reader.line_num, clean))
    return rows


_BOARD_ALIASES = {
    "department": "department",
    "1": "department",
    "bang 1": "department",
    "phong": "department",
    "commune": "commune",
    "2": "commune",
    "bang 2": "commune",
    "xa": "commune",
}


def parse_board(text: str, known: Collection[str] = ()) -> str | None:
    """The board a cell or a chat word means: an alias of the two national boards ("xa",
    "bang 1"…) or one of the ``known`` boards that catalogs declare (district, branch…)."""
    folded = fold(text)
    alias = _BOARD_ALIASES.get(folded)
    if alias is not None:
        return alias
    return folded if folded in known else None


async def period_boards(uow: UnitOfWork, period_id: int) -> set[str]:
    """The boards the period's catalogs declare."""
    return {b for c in await uow.catalogs.list_for_period(period_id) for b in c.boards}


def parse_tags(text: str) -> tuple[list[str], list[str]]:
    """units.csv's ``tags`` cell ("phuong;mot_cua") as (tags, unreadable parts)."""
    tags: list[str] = []
    bad: list[str] = []
    for part in text.split(";"):
        tag = fold(part).replace(" ", "_")
        if not tag:
            continue
        if TAG_RE.match(tag):
            if tag not in tags:
                tags.append(tag)
        else:
            bad.append(part.strip())
    return sorted(tags), bad


@dataclass(frozen=True)
class _UnitRow:
    code: str
    name: str
    board: str
    tags: list[str]


def _unit_rows(
    rows: list[tuple[int, dict[str, str]]], boards: set[str], year: int
) -> tuple[list[_UnitRow], list[RowProblem]]:
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    parsed: list[_UnitRow] = []
    for line, row in rows:
        code, name, board_raw = row["code"], row["name"], row["board"]
        board = parse_board(board_raw, boards)
        tags, bad_tags = parse_tags(row.get("tags", ""))

        def bad(message: str, **params: object) -> None:
            problems.append(RowProblem(line, message, params))  # noqa: B023

        if not code:
            bad(N_("the unit code is empty"))
        elif code in seen:
            bad(
                N_("unit %(code)s is repeated (first on line %(first)s)"),
                code=code,
                first=seen[code],
            )
        elif len(code) > 32:
            bad(N_("unit code %(code)s is longer than 32 characters"), code=code[:40])
        if not name:
            bad(N_("the unit name is empty"))
        if board is None or (board not in boards and board not in DEFAULT_BOARDS):
            bad(
                N_("board %(board)r has no catalog in %(year)s (catalogs are for: %(known)s)"),
                board=board_raw,
                year=year,
                known=", ".join(sorted(boards)) or "—",
            )
            board = None
        for tag in bad_tags:
            bad(N_("tag %(tag)r: use letters, digits or _, separated by ;"), tag=tag[:40])
        seen.setdefault(code, line)
        if code and name and board:
            parsed.append(_UnitRow(code, name, board, tags))
    return parsed, problems


async def import_units(uow: UnitOfWork, text: str, year: int) -> tuple[int, int]:
    """Create or update units from `code,name,board[,tags]`; returns (created, updated).

    A board must be one an imported catalog of the year declares (department and commune, the
    national boards, may also wait for their catalog); ``tags`` are ``;``-separated."""
    rows = read_csv(text, ("code", "name", "board"), ("tags",))
    period = await ensure_period(uow, year)
    catalogs = {b: c for c in await uow.catalogs.list_for_period(period.id) for b in c.boards}
    parsed, problems = _unit_rows(rows, set(catalogs), year)
    if problems:
        raise RowsRejected(problems)
    created = updated = 0
    for r in parsed:
        cat = catalogs.get(r.board)
        unit = await uow.units.get_by_code(period.id, r.code)
        if unit is None:
            await uow.units.create(
                period.id, r.code, r.name, r.board, cat.id if cat else None, r.tags
            )
            created += 1
        else:
            await uow.units.update(
                unit.id, name=r.name, board=r.board, tags=r.tags, catalog_id=cat.id if cat else None
            )
            updated += 1
    await uow.flush()
    return created, updated


def unit_tags(unit: UnitRow) -> frozenset[str]:
    """The unit's tags, for the catalog's ``applies_to``."""
    return frozenset(unit.tags or ())


async def unit_catalog(uow: UnitOfWork, unit: UnitRow) -> tuple[CatalogRow, Catalog] | None:
    if unit.catalog_id is None:
        return None
    row = await uow.catalogs.get(unit.catalog_id)
    return (row, catalog_of(row)) if row is not None else None


MISSING_EVIDENCE_REASON = "import --allow-missing-evidence"
"""The audit-history reason of an imported answer that claims points on an evidence-required
item with neither evidence nor explanation on file, accepted because the flag was given."""


@dataclass(frozen=True)
class _AnswerRow:
    unit: UnitRow
    db_item: CatalogItemRow
    item: Item
    answer: Answer
    explanation: str
    unproven: bool  # points on an evidence_required item with no evidence nor explanation


class _AnswerRows:
    """Reads answers.csv rows against the units, their catalogs and what is on file."""

    def __init__(self, uow: UnitOfWork, period: PeriodRow) -> None:
        self.uow = uow
        self.period = period
        self.units: dict[str, UnitRow | None] = {}
        self.items: dict[int, dict[str, CatalogItemRow]] = {}
        self.on_file: dict[int, set[str]] = {}  # unit id → codes with evidence or explanation
        self.seen: dict[tuple[str, str], int] = {}

    async def has_proof(self, unit: UnitRow, code: str) -> bool:
        if unit.id not in self.on_file:
            files = await self.uow.evidence.counts_for_unit(unit.id)
            notes = await self.uow.answers.explanations_for_unit(unit.id)
            self.on_file[unit.id] = {c for c, n in files.items() if n > 0} | set(notes)
        return code in self.on_file[unit.id]

    async def read(self, line: int, row: dict[str, str]) -> _AnswerRow | RowProblem:
        ucode, code, value = row["unit"], row["item"], row["value"]
        expl = row.get("explanation", "")
        if ucode not in self.units:
            self.units[ucode] = await self.uow.units.get_by_code(self.period.id, ucode)
        unit = self.units[ucode]
        if unit is None:
            return RowProblem(line, N_("unknown unit %(unit)s"), {"unit": ucode})
        pair = await unit_catalog(self.uow, unit)
        if pair is None:
            return RowProblem(
                line, N_("unit %(unit)s has no catalog for its board yet"), {"unit": ucode}
            )
        row_cat, cat = pair
        if row_cat.id not in self.items:
            self.items[row_cat.id] = await self.uow.catalogs.items_by_code(row_cat.id)
        item, db_item = cat.item(code), self.items[row_cat.id].get(code)
        if item is None or db_item is None:
            return RowProblem(
                line,
                N_("unknown item %(item)s in catalog %(catalog)s"),
                {"item": code, "catalog": cat.id},
            )
        where = f"{ucode} / {code}"
        if not cat.applies(code, unit_tags(unit)):
            return RowProblem(
                line, N_("%(item)s does not apply to unit %(unit)s"), {"item": code, "unit": ucode}
            )
        if (ucode, code) in self.seen:
            return RowProblem(
                line,
                N_("%(unit)s / %(item)s is repeated (first on line %(first)s)"),
                {"unit": ucode, "item": code, "first": self.seen[(ucode, code)]},
            )
        self.seen[(ucode, code)] = line
        try:
            answer = parse_answer(item, value)
        except AnswerError as err:
            return RowProblem(line, err.message, err.params, where)
        unproven = not expl and needs_explanation(item, answer, await self.has_proof(unit, code))
        if unproven and kind_of(item)[0].explained:
            return RowProblem(line, N_("points typed directly need an explanation"), {}, where)
        return _AnswerRow(unit, db_item, item, answer, expl, unproven)


async def import_answers(
    uow: UnitOfWork, text: str, year: int, *, allow_missing_evidence: bool = False
) -> int:
    """Import `unit,item,value[,explanation]`; returns how many answers changed.

    Like the chat, a row claiming points on an ``evidence_required`` item needs evidence or an
    explanation on file (or in its explanation column); otherwise the file is refused, unless
    ``allow_missing_evidence``, which the audit history of each such answer then records."""
    rows = read_csv(text, ("unit", "item", "value"), ("explanation",))
    period = await get_period(uow, year)
    refuse_published(period)
    reader = _AnswerRows(uow, period)
    problems: list[RowProblem] = []
    todo: list[_AnswerRow] = []
    for line, row in rows:
        got = await reader.read(line, row)
        if isinstance(got, RowProblem):
            problems.append(got)
        elif got.unproven and not allow_missing_evidence:
            problems.append(
                RowProblem(
                    line,
                    N_(
                        "%(item)s claims points but needs evidence (%(evidence)s): send the file "
                        "in the chat, fill the explanation column, or use "
                        "--allow-missing-evidence"
                    ),
                    {"item": got.item.code, "evidence": got.item.evidence or "—"},
                    f"{got.unit.code} / {got.item.code}",
                )
            )
        else:
            todo.append(got)
    if problems:
        raise RowsRejected(problems)
    return await _write_answers(uow, todo)


async def _write_answers(uow: UnitOfWork, todo: list[_AnswerRow]) -> int:
    changed = 0
    for r in todo:
        score = score_answer(r.item, r.answer)
        saved, previous = await uow.answers.set_answer(
            r.unit.id,
            r.db_item.id,
            r.answer.to_json(),
            score.points,
            None,
            "import",
            reason=MISSING_EVIDENCE_REASON if r.unproven else "import",
        )
        if previous != saved.version:
            changed += 1
        if r.explanation:
            await uow.answers.set_explanation(r.unit.id, r.db_item.id, r.explanation, None)
    return changed


# ------------------------------------------------------------------ results and standings


class Standing:
    """A unit's place on its board.  ``result`` is decoded from the stored summary only when
    first looked at: ranking 5,000 units needs their indexes, not their field details.

    ``basis``: how the unit was ranked while survey points are missing (``full``, ``rescaled``,
    ``zero``; see the catalog's ``survey_missing``).  ``official``: read from the period's
    publication snapshot, not computed."""

    __slots__ = (
        "_basis",
        "_result",
        "_summary_json",
        "catalog",
        "class_reason",
        "official",
        "ranked",
        "unit",
    )

    def __init__(
        self,
        unit: UnitRow,
        catalog: Catalog,
        ranked: Ranked,
        result: ResultSummary | None = None,
        summary_json: str | None = None,
        *,
        basis: str | None = None,
        official: bool = False,
        class_reason: str | None = None,
    ) -> None:
        assert result is not None or summary_json is not None
        self.unit = unit
        self.catalog = catalog
        self.ranked = ranked
        self._result = result
        self._summary_json = summary_json
        self._basis = basis
        self.official = official
        self.class_reason = class_reason

    @property
    def result(self) -> ResultSummary:
        if self._result is None:
            assert self._summary_json is not None
            self._result = ResultSummary.from_json(
                json.loads(self._summary_json), _field_titles(self.catalog)
            )
        return self._result

    @property
    def basis(self) -> str:
        if self._basis is None:
            stored = json.loads(self._summary_json).get("basis") if self._summary_json else None
            self._basis = (
                stored if stored in BASES else _basis_of(self.result.pending, zeroed=False)
            )
        return self._basis

    def __repr__(self) -> str:
        return f"Standing({self.unit.code!r}, rank={self.ranked.rank}/{self.ranked.of})"


BASES = ("full", "rescaled", "zero")
BASIS_NOTES = {
    "rescaled": N_("survey points missing: index over the points it can be scored on"),
    "zero": N_("survey points missing: counted as 0"),
}
"""What a ranking says next to a unit ranked without all its survey points."""
ZERO_FILLED = 1000
"""Added to the stored formula number while a catalog with ``survey_missing: zero`` has survey
points for some unit: summaries computed before (missing survey pending, not 0) are then stale."""


def _basis_of(pending: bool, *, zeroed: bool) -> str:
    """The ``basis`` of a unit with survey points ``pending`` (or ``zeroed``)."""
    if zeroed:
        return "zero"
    return "rescaled" if pending else "full"


def survey_fill(
    catalog: Catalog, survey: dict[str, Decimal] | None, others_have: bool
) -> tuple[dict[str, Decimal], bool]:
    """The survey points a unit is scored with, and whether missing ones were counted 0 (only
    for ``survey_missing: zero`` once other units on the catalog have theirs)."""
    got = dict(survey or {})
    if catalog.survey_missing != "zero" or not others_have:
        return got, False
    missing = [leaf.code for leaf in catalog.field_leaves() if leaf.is_survey]
    missing = [c for c in missing if c not in got]
    for code in missing:
        got[code] = Decimal(0)
    return got, bool(missing)


def _answer_or_none(value: Any) -> Answer | None:
    """A stored value the code can no longer read counts as unanswered."""
    try:
        return Answer.from_json(value)
    except (ValueError, KeyError, TypeError):
        return None


def _answers(rows: dict[str, AnswerRow] | None) -> dict[str, Answer]:
    return {
        code: a
        for code, row in (rows or {}).items()
        if (a := _answer_or_none(row.value)) is not None
    }


async def unit_result(uow: UnitOfWork, unit: UnitRow) -> tuple[Catalog, UnitResult] | None:
    """The unit's result with every item: from the publication snapshot once published."""
    period = await uow.periods.get(unit.period_id)
    if period is not None and period.published_at is not None:
        frozen = await published.published_unit_result(uow, period, unit)
        if frozen is not None:
            return frozen
    pair = await unit_catalog(uow, unit)
    if pair is None:
        return None
    _, cat = pair
    answers = _answers(await uow.answers.list_for_unit(unit.id))
    appraised = {
        c: a.points
        for c, a in (await uow.appraisals.list_for_unit(unit.id)).items()
        if a.points is not None
    }
    survey = {c: s.points for c, s in (await uow.survey.list_for_unit(unit.id)).items()}
    others = unit.catalog_id in await uow.results.catalogs_with_survey(unit.period_id)
    filled, _ = survey_fill(cat, survey, others)
    return cat, compute(cat, answers, appraised, filled, tags=unit_tags(unit))


_UNSEEN: Any = object()
RESCORE_BATCH = 500  # units re-scored per round trip when their stored summaries are stale


def _decode(text: str) -> Answer | None:
    try:
        return _answer_or_none(json.loads(text))
    except ValueError:
        return None  # not even JSON: unanswered too


def compute_from_texts(
    catalog: Catalog,
    texts: dict[str, str],
    appraised: dict[str, Decimal] | None,
    survey: dict[str, Decimal] | None,
    tags: frozenset[str] = frozenset(),
) -> UnitResult:
    """A unit's full result from its stored answers as JSON text (see ``answer_texts``);
    ``tags``: the unit's, for ``applies_to``."""
    answers = {code: a for code, text in texts.items() if (a := _decode(text)) is not None}
    return compute(catalog, answers, appraised, survey, tags=tags)


def _field_titles(catalog: Catalog) -> dict[str, str]:
    return {f.code: f.title for f in catalog.fields}


@dataclass
class _Scored:
    unit: UnitRow
    catalog: Catalog
    index: Decimal
    index_low: Decimal
    index_high: Decimal
    result: ResultSummary | None = None
    summary_json: str | None = None
    basis: str | None = None


async def _scored_units(
    uow: UnitOfWork,
    period_id: int,
    board: str | None,
    catalogs: dict[int, CatalogRow],
    fresh: list[NewResult],
) -> list[_Scored]:
    """Every unit with a catalog, with its index: from the stored summary where it is still
    current, otherwise re-scored from its answers, appraisals and survey points (read as plain
    columns), its new summary added to ``fresh`` (for the caller to store)."""
    out: list[_Scored] = []
    stale: list[tuple[UnitRow, int]] = []
    units = await uow.results.units_with_results(period_id, board)
    with_survey = await uow.results.catalogs_with_survey(period_id)
    formulas = {
        cid: FORMULA_VERSION
        + (ZERO_FILLED if cid in with_survey and catalog_of(c).survey_missing == "zero" else 0)
        for cid, c in catalogs.items()
    }
    for unit, got in units:
        row = catalogs.get(unit.catalog_id) if unit.catalog_id is not None else None
        if row is None:
            continue
        if (
            got.rev == got.current_rev
            and got.catalog_sha256 == row.sha256
            and got.formula == formulas[row.id]
            and got.summary
            and got.index is not None
            and got.index_low is not None
            and got.index_high is not None
        ):
            cat = catalog_of(row)
            out.append(
                _Scored(unit, cat, got.index, got.index_low, got.index_high, None, got.summary)
            )
        else:
            stale.append((unit, got.current_rev))
    if not stale:
        return out
    job = _Rescore(uow, catalogs, formulas, with_survey, fresh)
    by_catalog: dict[int, list[tuple[UnitRow, int]]] = {}
    for unit, rev in stale:
        assert unit.catalog_id is not None
        by_catalog.setdefault(unit.catalog_id, []).append((unit, rev))
    on_catalog = Counter(u.catalog_id for u, _ in units)
    one_by_one: list[tuple[UnitRow, int]] = []
    for cid, todo in by_catalog.items():
        if len(todo) >= max(BULK_FROM, on_catalog[cid] // BULK_SHARE):
            out.extend(await job.bulk(cid, todo, on_catalog[cid]))
        else:
            one_by_one.extend(todo)
    # In batches, so re-scoring many units never holds all their answers at once.
    for start in range(0, len(one_by_one), RESCORE_BATCH):
        out.extend(await job.batch(one_by_one[start : start + RESCORE_BATCH]))
    return out


BULK_FROM = 32
BULK_SHARE = 8
"""Stale units of one catalog (at least BULK_FROM, and at least 1/BULK_SHARE of its units) from
which they are re-scored from all the catalog's answers grouped by distinct value (one scan,
scoring.bulk) rather than unit by unit: after an import or a formula change that is every unit.
Unit by unit costs about 7 × more per unit than its share of the scan."""


class _Rescore:
    """Re-scores stale units and collects their new summaries in ``fresh`` (the standings
    cache, stored by the caller)."""

    def __init__(
        self,
        uow: UnitOfWork,
        catalogs: dict[int, CatalogRow],
        formulas: dict[int, int],
        with_survey: set[int],
        fresh: list[NewResult],
    ) -> None:
        self.uow = uow
        self.fresh = fresh
        self.catalogs = catalogs
        self.formulas = formulas
        self.with_survey = with_survey
        self.decoded: dict[str, Answer | None] = {}  # the same few values recur: decode once
        self.memos: dict[str, ScoreMemo] = {}  # per catalog content

    async def bulk(
        self, catalog_id: int, todo: list[tuple[UnitRow, int]], units: int
    ) -> list[_Scored]:
        """Every unit of ``todo`` (all on one catalog, which has ``units`` units) from the
        catalog's grouped answers."""
        row = self.catalogs[catalog_id]
        cat = catalog_of(row)
        moved = await self.uow.results.answering_elsewhere(catalog_id)
        if moved:  # answers on another catalog's items count by code: one by one
            out = await self.batch([(u, rev) for u, rev in todo if u.id in moved])
            return out + await self.bulk_of(
                cat, row, [(u, r) for u, r in todo if u.id not in moved], units
            )
        return await self.bulk_of(cat, row, todo, units)

    async def bulk_of(
        self, cat: Catalog, row: CatalogRow, todo: list[tuple[UnitRow, int]], on_catalog: int
    ) -> list[_Scored]:
        """Units whose answers are all on the catalog's own items (which has ``on_catalog``
        units), through scoring.bulk."""
        catalog_id = row.id
        # every unit on the catalog (todo is most of them, often all): one statement each
        appraised = await self.uow.results.appraised_on_catalog(catalog_id)
        survey = await self.uow.results.survey_on_catalog(catalog_id)
        others = catalog_id in self.with_survey
        zeroed: set[int] = set()
        units: list[BulkUnit | str] = []
        for unit, _ in todo:
            points = appraised.get(unit.id)
            filled, zero = survey_fill(cat, survey.get(unit.id), others)
            if zero:
                zeroed.add(unit.id)
            if unit.tags or points or filled:
                units.append(BulkUnit(str(unit.id), unit_tags(unit), points or {}, filled))
            else:
                units.append(str(unit.id))  # nothing of its own besides its answers
        scorer = BulkScorer(cat, units)  # scores each run while the next one is read
        await self.uow.results.answer_groups(catalog_id, on_catalog, scorer.add, scorer.leaves)
        results = scorer.finish()
        scored: list[tuple[_Scored, int]] = []
        for unit, rev in todo:
            res = results[str(unit.id)]
            basis = _basis_of(res.pending, zeroed=unit.id in zeroed)
            text = res.json_text(basis)  # the summary is decoded only when looked at
            scored.append(
                (
                    _Scored(unit, cat, res.index, res.index_low, res.index_high, None, text, basis),
                    rev,
                )
            )
        return self._save(scored)

    async def batch(self, todo: list[tuple[UnitRow, int]]) -> list[_Scored]:
        """Units on any catalogs, each from its own answers read as plain columns."""
        ids = [u.id for u, _ in todo]
        texts = await self.uow.results.answer_texts(ids)
        appraised = await self.uow.results.appraised_points(ids)
        survey = await self.uow.results.survey_points(ids)
        scored: list[tuple[UnitRow, int, ResultSummary, bool]] = []
        for unit, rev in todo:
            assert unit.catalog_id is not None
            row = self.catalogs[unit.catalog_id]
            cat = catalog_of(row)
            answers = {}
            for code, text in texts.get(unit.id, {}).items():
                answer = self.decoded.get(text, _UNSEEN)
                if answer is _UNSEEN:
                    answer = self.decoded[text] = _decode(text)
                if answer is not None:
                    answers[code] = answer
            memo = self.memos.setdefault(row.sha256, {})
            filled, zeroed = survey_fill(cat, survey.get(unit.id), row.id in self.with_survey)
            res = summarize(cat, answers, appraised.get(unit.id), filled, memo, unit_tags(unit))
            scored.append((unit, rev, res, zeroed))
        return await self._store(scored)

    async def _store(self, scored: list[tuple[UnitRow, int, ResultSummary, bool]]) -> list[_Scored]:
        out: list[tuple[_Scored, int]] = []
        for unit, rev, res, zeroed in scored:
            assert unit.catalog_id is not None
            basis = _basis_of(res.pending, zeroed=zeroed)
            text = json.dumps(
                {**res.to_json(), "basis": basis}, ensure_ascii=False, separators=(",", ":")
            )
            cat = catalog_of(self.catalogs[unit.catalog_id])
            out.append(
                (
                    _Scored(unit, cat, res.index, res.index_low, res.index_high, res, text, basis),
                    rev,
                )
            )
        return self._save(out)

    def _save(self, scored: list[tuple[_Scored, int]]) -> list[_Scored]:
        """Add the re-scored units' summaries to those to store and hand the units back."""
        fresh = self.fresh
        for s, rev in scored:
            assert s.unit.catalog_id is not None and s.summary_json is not None
            row = self.catalogs[s.unit.catalog_id]
            fresh.append(
                NewResult(
                    s.unit.id,
                    rev,
                    row.sha256,
                    self.formulas[row.id],
                    s.index,
                    s.index_low,
                    s.index_high,
                    s.summary_json,
                )
            )
        return [s for s, _ in scored]


async def standings(uow: UnitOfWork, year: int, board: str | None = None) -> list[Standing]:
    """Every unit's result and rank on its board for one year (board order, then rank).

    A published period's figures are read from its publication snapshot, never recomputed."""
    period = await get_period(uow, year)
    if period.published_at is not None:
        frozen = await published.published_standings(uow, period, board)
        if frozen is not None:
            return [_official(p) for p in frozen]
    return await live_standings(uow, period, board)


def _official(p: published.PublishedStanding) -> Standing:
    """A published place on the board, as the standings show it (marked official)."""
    return Standing(
        p.unit,
        p.catalog,
        p.ranked,
        None,
        p.summary_json,
        basis=p.basis,
        official=True,
        class_reason=p.class_reason,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Ranking thousands of units allocates a few hundred thousand short-lived objects (rows,
    totals, summaries, standings) and no reference cycles; meanwhile the cyclic garbage
    collector would run several full passes over the whole heap (a third of a cold ranking's
    CPU).  It is paused for that time and left as it was found."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def live_standings(uow: UnitOfWork, period: PeriodRow, board: str | None) -> list[Standing]:
    """The standings computed from the current answers, appraisals and survey points."""
    with _collector_paused():
        return await _live_standings(uow, period, board)


async def _live_standings(uow: UnitOfWork, period: PeriodRow, board: str | None) -> list[Standing]:
    catalogs = {c.id: c for c in await uow.catalogs.list_for_period(period.id)}
    fresh: list[NewResult] = []
    scored = await _scored_units(uow, period.id, board, catalogs, fresh)
    # the re-scored summaries are written while the units are ranked (SQLite: in a worker
    # thread; the unit of work is not used meanwhile) and in any case before returning
    storing = await uow.results.store_started(fresh)
    try:
        return _ranked(scored)
    finally:
        await storing


def _ranked(scored: list[_Scored]) -> list[Standing]:
    """The units ranked on their boards (board order, then rank)."""
    by_code = {s.unit.code: s for s in scored}
    entries = [
        Entry(s.unit.board, s.unit.code, s.unit.name, s.index, s.index_low, s.index_high)
        for s in scored
    ]
    out: list[Standing] = []
    for ranked_board in rank_boards(entries).values():
        for r in ranked_board:
            s = by_code[r.entry.unit]
            out.append(Standing(s.unit, s.catalog, r, s.result, s.summary_json, basis=s.basis))
    return out


BOARD_NAMES = {
    "department": N_("Board 1: Specialised departments"),
    "commune": N_("Board 2: Commune People's Committees"),
}


def board_title(locale: str, board: str) -> str:
    """The board's heading: the two national boards by name, any other by its code."""
    if board in BOARD_NAMES:
        return t(locale, BOARD_NAMES[board])
    return t(locale, "Board: %(board)s", board=board)


def standing_json(s: Standing, locale: str = "vi") -> dict[str, Any]:
    r = s.result
    return {
        "board": s.unit.board,
        "rank": s.ranked.rank,
        "of": s.ranked.of,
        "best_rank": s.ranked.best_rank,
        "worst_rank": s.ranked.worst_rank,
        "unit": s.unit.code,
        "name": s.unit.name,
        "index": float(r.index),
        "index_low": float(r.index_low),
        "index_high": float(r.index_high),
        "classification": r.classification,
        "class_reason": class_reason(locale, s.catalog, r),
        "fields": {f.code: (float(f.pct) if f.pct is not None else None) for f in r.fields},
        "field_points": {f.code: [float(f.points), float(f.applicable_max)] for f in r.fields},
        "points": float(r.points),
        "applicable_max": float(r.applicable_max),
        "unanswered": r.unanswered,
        "not_applicable": r.not_applicable,
        "not_applicable_full": r.na_full,
        "bonus": float(r.bonus),
        "penalty": float(r.penalty),
        "pending": r.pending,
        "preliminary": r.preliminary and not s.official,
        "official": s.official,
        "basis": s.basis,
        "sources": dict(r.counts),
    }


# ------------------------------------------------------------------ invites


def new_invite_code() -> str:
    """32 url-safe characters = 192 random bits; fits Telegram's 64-character start parameter."""
    return secrets.token_urlsafe(24)


async def create_invite(
    uow: UnitOfWork,
    *,
    year: int | None,
    unit_code: str | None,
    role: str,
    ttl: timedelta,
    now: datetime,
    created_by: int | None = None,
    allow_second_unit: bool = False,
) -> tuple[str, InviteRow]:
    if role not in ROLES:
        raise NotFound(
            N_("unknown role %(role)s (use officer, leader, appraiser or admin)"), role=role
        )
    period = await get_period(uow, year) if year is not None else await uow.periods.latest()
    unit_id = None
    if unit_code:
        if period is None:
            raise NotFound(N_("there is no assessment period yet"))
        unit = await uow.units.get_by_code(period.id, unit_code)
        if unit is None:
            raise NotFound(N_("unknown unit %(unit)s"), unit=unit_code)
        unit_id = unit.id
    elif role in ("officer", "leader"):
        raise NotFound(N_("an officer or leader invite needs --unit"))
    code = new_invite_code()
    invite = await uow.invites.create(
        code,
        role,
        now + ttl,
        period.id if period else None,
        unit_id,
        created_by,
        allow_second_unit=allow_second_unit,
    )
    return code, invite


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
