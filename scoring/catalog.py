"""The criteria set (bộ chỉ số) as an immutable tree, and its loader/validator.

Provinces author catalogs in YAML (docs/catalog.md) and revise them every year, so the loader
reports *every* problem at once, each tied to an item code, instead of stopping at the first.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

from scoring.i18n import N_

ZERO = Decimal("0")
CENT = Decimal("0.01")
BOARDS = ("department", "commune")
KINDS = ("choice", "ratio", "number", "date", "manual", "survey")

NaPolicy = Literal["exclude", "full"]
Section = Literal["field", "bonus", "penalty"]


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    points: Decimal
    label_en: str | None = None
    na: bool = False


@dataclass(frozen=True)
class Band:
    """A threshold band: values at or above ``min`` earn ``points`` (bands sorted descending)."""

    min: Decimal
    points: Decimal


@dataclass(frozen=True)
class AnswerSpec:
    kind: str
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    zero_denominator: Literal["na", "full", "zero"] = "na"
    label: str | None = None
    integer: bool = True
    deadline: date | None = None
    on_time: Decimal = ZERO
    late: Decimal = ZERO
    step: Decimal = CENT

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def band_points(self, value: Decimal) -> Decimal:
        for band in self.bands:
            if value >= band.min:
                return band.points
        return ZERO


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    max: Decimal
    section: Section = "field"
    title_en: str | None = None
    children: tuple[Item, ...] = ()
    answer: AnswerSpec | None = None
    evidence: str | None = None
    evidence_required: bool = False
    na: NaPolicy | None = None
    rule: str | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def kind(self) -> str | None:
        return self.answer.kind if self.answer else None

    @cached_property
    def is_survey(self) -> bool:
        return self.kind == "survey"

    def leaves(self) -> Iterator[Item]:
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()


SURVEY_MISSING = ("rescale", "zero")


@dataclass(frozen=True)
class ClassRule:
    label: str
    label_en: str | None = None
    min_index: Decimal | None = None
    min_field_pct: Decimal | None = None


@dataclass(frozen=True)
class Catalog:
    id: str
    title: str
    boards: tuple[str, ...]
    fields: tuple[Item, ...]
    classification: tuple[ClassRule, ...]
    scale: Decimal = Decimal("100")
    title_en: str | None = None
    locale: str | None = None
    decision: str | None = None
    bonus: tuple[Item, ...] = ()
    bonus_max: Decimal = ZERO
    penalty: tuple[Item, ...] = ()
    penalty_max: Decimal = ZERO
    survey_missing: str = "rescale"
    """A unit without survey points once others have them: ``rescale`` (its index over the
    max it can be scored on) or ``zero`` (the missing survey points count 0)."""
    _by_code: Mapping[str, Item] = field(default_factory=dict, repr=False, compare=False)
    _field_of: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    def item(self, code: str) -> Item | None:
        return self._by_code.get(code)

    def field_of(self, code: str) -> str | None:
        """The top-level field code an item belongs to (None for bonus/penalty items)."""
        return self._field_of.get(code)

    def all_items(self) -> Iterator[Item]:
        yield from self._by_code.values()

    @cached_property
    def leaves_by_field(self) -> tuple[tuple[Item, tuple[Item, ...]], ...]:
        """Each field with its leaves, walked once: scoring thousands of units against the same
        catalog would otherwise walk the tree for every unit."""
        return tuple((f, tuple(f.leaves())) for f in self.fields)

    @cached_property
    def bonus_leaves(self) -> tuple[Item, ...]:
        return tuple(leaf for top in self.bonus for leaf in top.leaves())

    @cached_property
    def penalty_leaves(self) -> tuple[Item, ...]:
        return tuple(leaf for top in self.penalty for leaf in top.leaves())

    def leaves(self) -> list[Item]:
        """Every answerable leaf, fields first (document order), then bonus and penalty."""
        out: list[Item] = []
        for top in (*self.fields, *self.bonus, *self.penalty):
            out.extend(top.leaves())
        return out

    def field_leaves(self) -> list[Item]:
        return [leaf for f in self.fields for leaf in f.leaves()]

    @property
    def max_total(self) -> Decimal:
        return sum((f.max for f in self.fields), ZERO)


@dataclass(frozen=True)
class CatalogProblem:
    """One validation problem; ``message`` is an untranslated msgid with ``%(name)s`` params."""

    where: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        text = translate(self.message) if translate else self.message
        return f"{self.where}: {text % dict(self.params)}"


class CatalogError(ValueError):
    def __init__(self, problems: list[CatalogProblem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


# --------------------------------------------------------------------------- loading

_CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")


class _Loader:
    def __init__(self) -> None:
        self.problems: list[CatalogProblem] = []
        self.by_code: dict[str, Item] = {}
        self.field_of: dict[str, str] = {}
        self.seen: set[str] = set()

    def err(self, where: str, message: str, **params: object) -> None:
        self.problems.append(CatalogProblem(where, message, params))

    def dec(self, where: str, value: Any, name: str, *, allow_none: bool = False) -> Decimal | None:
        if value is None:
            if not allow_none:
                self.err(where, N_("'%(name)s' is missing"), name=name)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            self.err(
                where, N_("'%(name)s' must be a number, got %(value)r"), name=name, value=value
            )
            return None
        try:
            d = Decimal(str(value).replace(",", "."))
        except InvalidOperation:
            self.err(
                where, N_("'%(name)s' must be a number, got %(value)r"), name=name, value=value
            )
            return None
        if not d.is_finite():
            self.err(
                where, N_("'%(name)s' must be a number, got %(value)r"), name=name, value=value
            )
            return None
        if d != d.quantize(CENT):
            self.err(
                where, N_("'%(name)s' has more than two decimals: %(value)s"), name=name, value=d
            )
        return d

    def item(self, raw: Any, section: Section, path: str, field_code: str | None) -> Item | None:
        if not isinstance(raw, dict):
            self.err(path, N_("an item must be a mapping with code, title and max"))
            return None
        code = raw.get("code")
        if not isinstance(code, str | int) or isinstance(code, bool):
            self.err(path, N_("item code is missing"))
            return None
        code = str(code)
        where = code
        if not _CODE_RE.match(code):
            self.err(where, N_("invalid item code %(code)r"), code=code)
        if code in self.seen:
            self.err(where, N_("duplicate item code %(code)s"), code=code)
        self.seen.add(code)
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            self.err(where, N_("title is missing"))
            title = code
        maxp = self.dec(where, raw.get("max"), "max")
        if maxp is not None and maxp <= 0:
            self.err(where, N_("max must be greater than 0"))
        maxp = maxp if maxp is not None else ZERO
        top_field = field_code if field_code is not None else (code if section == "field" else None)
        children_raw = raw.get("items")
        children: list[Item] = []
        answer: AnswerSpec | None = None
        na = raw.get("na")
        if na is not None and na not in ("exclude", "full"):
            self.err(where, N_("na must be 'exclude' or 'full', got %(value)r"), value=na)
            na = None
        if children_raw is not None:
            if not isinstance(children_raw, list) or not children_raw:
                self.err(where, N_("'items' must be a non-empty list"))
            else:
                for i, c in enumerate(children_raw):
                    child = self.item(c, section, f"{code}/items[{i}]", top_field)
                    if child is not None:
                        children.append(child)
                total = sum((c.max for c in children), ZERO)
                if children and total != maxp:
                    self.err(
                        where,
                        N_("children add up to %(total)s but max is %(max)s"),
                        total=total,
                        max=maxp,
                    )
            if "answer" in raw:
                self.err(where, N_("an item with sub-items cannot have its own answer"))
        else:
            answer = self.answer_spec(where, raw.get("answer"), maxp, na)
        item = Item(
            code=code,
            title=str(title).strip(),
            title_en=raw.get("title_en"),
            max=maxp,
            section=section,
            children=tuple(children),
            answer=answer,
            evidence=raw.get("evidence"),
            evidence_required=bool(raw.get("evidence_required", False)),
            na=na,
            rule=raw.get("rule"),
        )
        self.by_code[code] = item
        if top_field is not None:
            self.field_of[code] = top_field
        return item

    def answer_spec(self, where: str, raw: Any, maxp: Decimal, na: Any) -> AnswerSpec | None:
        if not isinstance(raw, dict):
            self.err(where, N_("a leaf item needs an 'answer' with a kind"))
            return None
        kind = raw.get("kind")
        if kind not in KINDS:
            self.err(
                where,
                N_("unknown answer kind %(kind)r (known: %(known)s)"),
                kind=kind,
                known=", ".join(KINDS),
            )
            return None
        if kind == "choice":
            return self.choice(where, raw, maxp, na)
        if kind in ("ratio", "number"):
            return self.banded(where, raw, maxp, kind)
        if kind == "date":
            return self.dated(where, raw, maxp)
        if kind == "manual":
            step = self.dec(where, raw.get("step", "0.01"), "step") or CENT
            if step <= 0 or (maxp % step) != 0:
                self.err(
                    where,
                    N_("step %(step)s must be positive and divide max %(max)s"),
                    step=step,
                    max=maxp,
                )
            return AnswerSpec(kind="manual", step=step)
        return AnswerSpec(kind="survey")

    def within(self, where: str, pts: Decimal, maxp: Decimal) -> None:
        if pts < 0 or pts > maxp:
            self.err(where, N_("points %(points)s are outside 0..%(max)s"), points=pts, max=maxp)

    def choice(self, where: str, raw: dict[str, Any], maxp: Decimal, na: Any) -> AnswerSpec | None:
        options_raw = raw.get("options")
        if not isinstance(options_raw, list) or not options_raw:
            self.err(where, N_("a choice needs a non-empty list of options"))
            return None
        options: list[Option] = []
        ids: set[str] = set()
        for o in options_raw:
            if not isinstance(o, dict) or "id" not in o or "label" not in o:
                self.err(where, N_("each option needs an id and a label"))
                continue
            oid = str(o["id"])
            if oid in ids or (oid == "na" and not o.get("na")):
                self.err(where, N_("duplicate or reserved option id %(id)r"), id=oid)
            ids.add(oid)
            is_na = bool(o.get("na", False))
            pts = ZERO if is_na else (self.dec(where, o.get("points"), "points") or ZERO)
            self.within(where, pts, maxp)
            options.append(Option(oid, str(o["label"]), pts, o.get("label_en"), is_na))
        if sum(1 for o in options if o.na) > 1:
            self.err(where, N_("at most one option may be 'na'"))
        if any(o.na for o in options) and na is None:
            self.err(where, N_("an option is 'na' but the item does not declare na: exclude|full"))
        scored = [o.points for o in options if not o.na]
        if scored and max(scored) != maxp:
            self.err(
                where,
                N_("the best option gives %(best)s, not the max %(max)s"),
                best=max(scored),
                max=maxp,
            )
        return AnswerSpec(kind="choice", options=tuple(options))

    def banded(
        self, where: str, raw: dict[str, Any], maxp: Decimal, kind: str
    ) -> AnswerSpec | None:
        key = "min_pct" if kind == "ratio" else "min"
        bands_raw = raw.get("bands")
        if not isinstance(bands_raw, list) or not bands_raw:
            self.err(where, N_("a %(kind)s needs a non-empty list of bands"), kind=kind)
            return None
        bands: list[Band] = []
        for b in bands_raw:
            if not isinstance(b, dict):
                self.err(where, N_("each band needs %(key)s and points"), key=key)
                continue
            lo = self.dec(where, b.get(key), key)
            pts = self.dec(where, b.get("points"), "points")
            if lo is None or pts is None:
                continue
            self.within(where, pts, maxp)
            bands.append(Band(lo, pts))
        for a, b in itertools.pairwise(bands):
            if not a.min > b.min:
                self.err(
                    where, N_("bands must be in strictly descending order of %(key)s"), key=key
                )
                break
        if bands and bands[-1].min != 0:
            self.err(where, N_("the last band must start at %(key)s: 0"), key=key)
        if kind == "ratio" and bands and bands[0].min > 100:
            self.err(where, N_("min_pct cannot exceed 100"))
        if bands and max(b.points for b in bands) != maxp:
            self.err(
                where,
                N_("the best band gives %(best)s, not the max %(max)s"),
                best=max(b.points for b in bands),
                max=maxp,
            )
        zero = raw.get("zero_denominator", "na")
        if kind == "ratio" and zero not in ("na", "full", "zero"):
            self.err(where, N_("zero_denominator must be na, full or zero"))
            zero = "na"
        if kind == "ratio":
            for name in ("numerator", "denominator"):
                if not isinstance(raw.get(name), str):
                    self.err(where, N_("a ratio needs a '%(name)s' label"), name=name)
        return AnswerSpec(
            kind=kind,
            bands=tuple(bands),
            numerator=raw.get("numerator"),
            denominator=raw.get("denominator"),
            zero_denominator=zero,
            label=raw.get("label"),
            integer=bool(raw.get("integer", True)),
        )

    def dated(self, where: str, raw: dict[str, Any], maxp: Decimal) -> AnswerSpec | None:
        deadline = raw.get("deadline")
        if isinstance(deadline, str):
            try:
                deadline = date.fromisoformat(deadline)
            except ValueError:
                deadline = None
        if not isinstance(deadline, date):
            self.err(where, N_("a date item needs 'deadline: YYYY-MM-DD'"))
            return None
        on_time = self.dec(where, raw.get("on_time", maxp), "on_time") or ZERO
        late = self.dec(where, raw.get("late", 0), "late") or ZERO
        self.within(where, on_time, maxp)
        self.within(where, late, maxp)
        if on_time != maxp:
            self.err(
                where, N_("on_time gives %(best)s, not the max %(max)s"), best=on_time, max=maxp
            )
        return AnswerSpec(kind="date", deadline=deadline, on_time=on_time, late=late)

    def section_items(self, raw: Any, section: Section) -> tuple[tuple[Item, ...], Decimal]:
        if raw is None:
            return (), ZERO
        if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
            self.err(section, N_("'%(name)s' must have max and a list of items"), name=section)
            return (), ZERO
        cap = self.dec(section, raw.get("max"), "max") or ZERO
        items = tuple(
            i
            for n, r in enumerate(raw["items"])
            if (i := self.item(r, section, f"{section}[{n}]", None)) is not None
        )
        for it in items:
            for leaf in it.leaves():
                if leaf.is_survey:
                    self.err(leaf.code, N_("survey items cannot be bonus or penalty"))
        return items, cap


def _classification(loader: _Loader, raw: Any) -> tuple[ClassRule, ...]:
    if not isinstance(raw, list) or not raw:
        loader.err("classification", N_("classification must be a non-empty list of rules"))
        return (ClassRule(label="-"),)
    rules: list[ClassRule] = []
    for n, r in enumerate(raw):
        where = f"classification[{n}]"
        if not isinstance(r, dict) or not isinstance(r.get("label"), str):
            loader.err(where, N_("each rule needs a label"))
            continue
        rules.append(
            ClassRule(
                label=r["label"],
                label_en=r.get("label_en"),
                min_index=loader.dec(where, r.get("min_index"), "min_index", allow_none=True),
                min_field_pct=loader.dec(
                    where, r.get("min_field_pct"), "min_field_pct", allow_none=True
                ),
            )
        )
    if rules and (rules[-1].min_index is not None or rules[-1].min_field_pct is not None):
        loader.err("classification", N_("the last rule must have no conditions (catch-all)"))
    idx = [r.min_index or ZERO for r in rules]
    if any(a < b for a, b in itertools.pairwise(idx)):
        loader.err("classification", N_("rules must be ordered from the highest min_index down"))
    return tuple(rules) or (ClassRule(label="-"),)


def load_catalog(text: str) -> Catalog:
    """Parse and validate catalog YAML; raises CatalogError listing every problem."""
    loader = _Loader()
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(
            [CatalogProblem("yaml", N_("not valid YAML: %(error)s"), {"error": str(exc)})]
        ) from exc
    if not isinstance(raw, dict):
        raise CatalogError([CatalogProblem("yaml", N_("the file must be a YAML mapping"))])
    cid = raw.get("catalog")
    if not isinstance(cid, str) or not re.match(r"^[A-Za-z0-9._-]{1,64}$", cid):
        loader.err("catalog", N_("'catalog' id is missing or invalid"))
        cid = "?"
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        loader.err("title", N_("title is missing"))
        title = str(cid)
    boards_raw = raw.get("board", raw.get("boards"))
    boards = tuple(boards_raw if isinstance(boards_raw, list) else [boards_raw])
    for b in boards:
        if b not in BOARDS:
            loader.err("board", N_("unknown board %(board)r (known: department, commune)"), board=b)
    scale = loader.dec("scale", raw.get("scale", 100), "scale") or Decimal(100)
    items_raw = raw.get("items")
    fields: list[Item] = []
    if not isinstance(items_raw, list) or not items_raw:
        loader.err("items", N_("'items' must be a non-empty list of fields"))
    else:
        for n, r in enumerate(items_raw):
            it = loader.item(r, "field", f"items[{n}]", None)
            if it is not None:
                fields.append(it)
    bonus, bonus_max = loader.section_items(raw.get("bonus"), "bonus")
    penalty, penalty_max = loader.section_items(raw.get("penalty"), "penalty")
    classification = _classification(loader, raw.get("classification"))
    survey_missing = raw.get("survey_missing", "rescale")
    if survey_missing not in SURVEY_MISSING:
        loader.err(
            "survey_missing",
            N_("survey_missing must be %(known)s, not %(value)r"),
            known=" or ".join(SURVEY_MISSING),
            value=survey_missing,
        )
    if loader.problems:
        raise CatalogError(loader.problems)
    return Catalog(
        id=cid,
        title=title.strip(),
        title_en=raw.get("title_en"),
        boards=tuple(str(b) for b in boards),
        fields=tuple(fields),
        classification=classification,
        scale=scale,
        locale=raw.get("locale"),
        decision=raw.get("decision"),
        bonus=bonus,
        bonus_max=bonus_max,
        penalty=penalty,
        penalty_max=penalty_max,
        survey_missing=str(survey_missing),
        _by_code=dict(loader.by_code),
        _field_of=dict(loader.field_of),
    )


def load_catalog_file(path: str | Path) -> Catalog:
    return load_catalog(Path(path).read_text(encoding="utf-8"))


def sample_catalog_paths() -> dict[str, Path]:
    """The sample catalogs shipped with parbot, by catalog id (file stem)."""
    folder = Path(__file__).parent / "catalogs"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}
