"""The one registry of answer kinds (choice, ratio, proportional, deduction, …).

Each kind says, in one place, which keys its catalog spec takes and how they are validated, how a
typed value is read, what it scores, how its rule reads on a card, what the card asks and which
buttons it offers, and how its value is stored.  The loader, the chat, the CLI imports and the
exports all go through :data:`KINDS`, so a new rule shape provinces decide is one class here, not
a hunt for ``kind ==`` branches.

Pure domain: texts come back through a :class:`Fmt` (the chat's context or the CLI's translator).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Protocol

from scoring.catalog import ZERO, AnswerSpec, Band, Item, Option
from scoring.i18n import N_
from scoring.values import (
    NOT_DONE,
    Answer,
    AnswerError,
    Score,
    clip,
    fold,
    parse_date,
    parse_number,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class OptionList:
    """The options of a choice, as a message names them: by number and label ("1 Đạt, 2 Chưa
    đạt"), never by their internal ids; :meth:`localized` gives the English labels."""

    options: tuple[Option, ...]

    def localized(self, locale: str) -> str:
        def label(o: Option) -> str:
            return o.label_en if locale == "en" and o.label_en else o.label

        return ", ".join(f"{i} {label(o)}" for i, o in enumerate(self.options, start=1))

    def __str__(self) -> str:
        return self.localized("vi")


class Checker(Protocol):
    """What a kind needs of the catalog loader to validate its spec."""

    def err(self, where: str, message: str, **params: object) -> None: ...

    def dec(
        self, where: str, value: Any, name: str, *, allow_none: bool = False
    ) -> Decimal | None: ...

    def within(self, where: str, pts: Decimal, maxp: Decimal) -> None: ...

    def keys(self, where: str, raw: Mapping[str, Any], known: Iterable[str]) -> None: ...


@dataclass(frozen=True)
class SpecInput:
    """A leaf's ``answer:`` mapping with what validating it depends on."""

    where: str
    raw: Mapping[str, Any]
    max: Decimal
    na: str | None
    precision: int


class Fmt(Protocol):
    """Translation and Babel formatting in the reader's language."""

    locale: str

    def tr(self, message: str, /, **params: object) -> str: ...

    def num(self, value: Any) -> str: ...

    def date(self, value: Any) -> str: ...


@dataclass(frozen=True)
class ButtonSpec:
    """A card button as data: ``action`` "a" picks option number ``arg``, "nd" means not done."""

    label: str
    action: str
    arg: int | None = None


class AnswerKind:
    """The behaviour every kind shares; subclasses override what they do differently."""

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()
    self_scored: ClassVar[bool] = True
    typed: ClassVar[bool] = True
    """Answered by typing a value, so text such as "1.2" is a value here, not an item code."""
    explained: ClassVar[bool] = False
    """Points of this kind always need a giải trình (points typed directly)."""

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        return AnswerSpec(kind=self.name)

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        raise NotImplementedError

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        raise NotImplementedError

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr("points as assessed, 0 to %(max)s", max=fmt.num(item.max))

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        raise NotImplementedError

    def buttons(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> tuple[ButtonSpec, ...]:
        return ()

    def encode(self, answer: Answer) -> dict[str, Any]:
        """The stored (JSON) form of a value of this kind."""
        return answer.to_json()

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        """A value a unit might type (the demo district): its best when ``good``, else a
        plausible one; None when units never type this kind."""
        steps = int(item.max / spec.step)
        return str(item.max if good else spec.step * rng.randint(0, steps))

    def nothing_to_deduct(self, spec: AnswerSpec) -> str:
        """The value of a penalty item with nothing to deduct (the demo's clean units)."""
        return "0"

    def decode(self, data: Mapping[str, Any]) -> Answer:
        return Answer.from_json(dict(data))


# ------------------------------------------------------------------ choice


class ChoiceKind(AnswerKind):
    name = "choice"
    keys = frozenset({"options"})
    typed = False
    OPTION_KEYS = frozenset({"id", "label", "label_en", "points", "na"})

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        opts = [o for o in spec.options if not o.na]
        best = max(opts, key=lambda o: o.points)
        return best.id if good else rng.choice(opts).id

    def nothing_to_deduct(self, spec: AnswerSpec) -> str:
        return next(o.id for o in spec.options if o.points == 0 and not o.na)

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        options_raw = s.raw.get("options")
        if not isinstance(options_raw, list) or not options_raw:
            chk.err(s.where, N_("a choice needs a non-empty list of options"))
            return None
        options: list[Option] = []
        ids: set[str] = set()
        for o in options_raw:
            if isinstance(o, dict):
                chk.keys(s.where, o, self.OPTION_KEYS)
            if not isinstance(o, dict) or "id" not in o or "label" not in o:
                chk.err(s.where, N_("each option needs an id and a label"))
                continue
            oid = str(o["id"])
            if oid in ids or (oid == "na" and not o.get("na")):
                chk.err(s.where, N_("duplicate or reserved option id %(id)r"), id=oid)
            ids.add(oid)
            is_na = bool(o.get("na", False))
            pts = ZERO if is_na else (chk.dec(s.where, o.get("points"), "points") or ZERO)
            chk.within(s.where, pts, s.max)
            options.append(Option(oid, str(o["label"]), pts, o.get("label_en"), is_na))
        if sum(1 for o in options if o.na) > 1:
            chk.err(s.where, N_("at most one option may be 'na'"))
        if any(o.na for o in options) and s.na is None:
            chk.err(s.where, N_("an option is 'na' but the item does not declare na: exclude|full"))
        scored = [o.points for o in options if not o.na]
        if scored and max(scored) != s.max:
            chk.err(
                s.where,
                N_("the best option gives %(best)s, not the max %(max)s"),
                best=max(scored),
                max=s.max,
            )
        return AnswerSpec(kind=self.name, options=tuple(options))

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        folded = fold(text)
        for i, o in enumerate(spec.options, start=1):
            if folded in (fold(o.id), fold(o.label), str(i)) or (
                o.label_en and folded == fold(o.label_en)
            ):
                return Answer(na=True) if o.na else Answer(option=o.id)
        raise AnswerError(
            N_("'%(text)s' is not one of the choices (%(choices)s)"),
            text=clip(text),
            choices=OptionList(spec.options),
        )

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        opt = spec.option(answer.option or "")
        if opt is None:
            raise AnswerError(N_("unknown option %(id)s"), id=answer.option)
        if opt.na:
            return not_applicable(item)
        return Score(opt.points)

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        pts = fmt.tr("pts")
        return "; ".join(f"{o.label}: {fmt.num(o.points)} {pts}" for o in spec.options if not o.na)

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr("Choose an answer:")

    def buttons(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> tuple[ButtonSpec, ...]:
        out = []
        for n, o in enumerate(spec.options):
            label = o.label if fmt.locale == "vi" or not o.label_en else o.label_en
            if not o.na:
                unit = "đ" if fmt.locale == "vi" else " pts"
                label = f"{label} ({fmt.num(o.points)}{unit})"
            out.append(ButtonSpec(label, "a", n))
        return tuple(out)


def not_applicable(item: Item) -> Score:
    """What "không áp dụng" earns: the full points (na: full) or nothing, out of the max."""
    return Score(item.max, True) if item.na == "full" else Score(ZERO, False)


# ------------------------------------------------------------------ banded kinds


def _bands(chk: Checker, s: SpecInput, key: str, kind: str) -> tuple[Band, ...] | None:
    bands_raw = s.raw.get("bands")
    if not isinstance(bands_raw, list) or not bands_raw:
        chk.err(s.where, N_("a %(kind)s needs a non-empty list of bands"), kind=kind)
        return None
    bands: list[Band] = []
    for b in bands_raw:
        if not isinstance(b, dict):
            chk.err(s.where, N_("each band needs %(key)s and points"), key=key)
            continue
        chk.keys(s.where, b, (key, "points"))
        lo = chk.dec(s.where, b.get(key), key)
        pts = chk.dec(s.where, b.get("points"), "points")
        if lo is None or pts is None:
            continue
        chk.within(s.where, pts, s.max)
        bands.append(Band(lo, pts))
    if any(not a.min > b.min for a, b in itertools.pairwise(bands)):
        chk.err(s.where, N_("bands must be in strictly descending order of %(key)s"), key=key)
    if bands and bands[-1].min != 0:
        chk.err(s.where, N_("the last band must start at %(key)s: 0"), key=key)
    if bands and max(b.points for b in bands) != s.max:
        chk.err(
            s.where,
            N_("the best band gives %(best)s, not the max %(max)s"),
            best=max(b.points for b in bands),
            max=s.max,
        )
    return tuple(bands)


def _fraction_spec(chk: Checker, s: SpecInput) -> tuple[str, str, Any] | None:
    """numerator/denominator labels and zero_denominator, shared by ratio and proportional."""
    zero = s.raw.get("zero_denominator", "na")
    if zero not in ("na", "full", "zero"):
        chk.err(s.where, N_("zero_denominator must be na, full or zero"))
        zero = "na"
    labels = []
    for name in ("numerator", "denominator"):
        label = s.raw.get(name)
        if not isinstance(label, str) or not label.strip():
            chk.err(s.where, N_("a ratio needs a '%(name)s' label"), name=name)
            return None
        labels.append(label)
    return labels[0], labels[1], zero


_FRACTION = re.compile(r"\s*([^/]+?)\s*(?:/|tren|of)\s*([^/]+?)\s*")


def parse_fraction(text: str) -> tuple[Decimal, Decimal]:
    """ "45/50", "45 trên 50" or "1.250/1.300" as (numerator, denominator), both ≥ 0."""
    m = _FRACTION.fullmatch(fold(text))
    if not m:
        raise AnswerError(N_("write the ratio as numerator/denominator, e.g. 45/50"))
    num = parse_number(m[1], integer_grouping=True)
    den = parse_number(m[2], integer_grouping=True)
    validate_ratio(num, den)
    return num, den


def validate_ratio(num: Decimal, den: Decimal) -> Answer:
    if num < 0 or den < 0:
        raise AnswerError(N_("numbers in a ratio cannot be negative"))
    if num > den:
        raise AnswerError(
            N_("the numerator (%(num)s) cannot exceed the denominator (%(den)s)"), num=num, den=den
        )
    return Answer(num=num, den=den)


def _zero_den(item: Item, spec: AnswerSpec) -> Score:
    if spec.zero_denominator == "full":
        return Score(item.max)
    if spec.zero_denominator == "zero":
        return Score(ZERO)
    return Score(ZERO, False)


def _fraction_of(answer: Answer) -> tuple[Decimal, Decimal]:
    if answer.num is None or answer.den is None:
        raise AnswerError(N_("a ratio answer needs numerator and denominator"))
    return answer.num, answer.den


class RatioKind(AnswerKind):
    name = "ratio"
    keys = frozenset({"bands", "numerator", "denominator", "zero_denominator"})

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        den = rng.randint(20, 400)
        num = den if good else int(den * rng.uniform(0.7, 1.0))
        return f"{num}/{den}"

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        bands = _bands(chk, s, "min_pct", self.name)
        if bands and bands[0].min > 100:
            chk.err(s.where, N_("min_pct cannot exceed 100"))
        fraction = _fraction_spec(chk, s)
        if bands is None or fraction is None:
            return None
        num, den, zero = fraction
        return AnswerSpec(
            kind=self.name, bands=bands, numerator=num, denominator=den, zero_denominator=zero
        )

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        num, den = parse_fraction(text)
        return Answer(num=num, den=den)

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        num, den = _fraction_of(answer)
        if den == 0:
            return _zero_den(item, spec)
        return Score(spec.band_points(num * HUNDRED / den))

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        pts = fmt.tr("pts")
        return "; ".join(f"≥ {fmt.num(b.min)}%: {fmt.num(b.points)} {pts}" for b in spec.bands)

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr(
            "Type %(num)s / %(den)s, e.g. 45/50 (or the numerator first).",
            num=spec.numerator or "",
            den=spec.denominator or "",
        )


class NumberKind(AnswerKind):
    name = "number"
    keys = frozenset({"bands", "label", "integer"})

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        top = next(b for b in spec.bands if b.points == item.max)
        return str(top.min) if good else str(rng.choice([b.min for b in spec.bands]))

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        bands = _bands(chk, s, "min", self.name)
        if bands is None:
            return None
        label = s.raw.get("label")
        return AnswerSpec(
            kind=self.name,
            bands=bands,
            label=label if isinstance(label, str) else None,
            integer=bool(s.raw.get("integer", True)),
        )

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        value = parse_number(text, integer_grouping=spec.integer)
        if value < 0:
            raise AnswerError(N_("the number cannot be negative"))
        if spec.integer and value != value.to_integral_value():
            raise AnswerError(N_("this is a count; give a whole number"))
        return Answer(number=value)

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        if answer.number is None:
            raise AnswerError(N_("a number answer needs a value"))
        return Score(spec.band_points(answer.number))

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        pts = fmt.tr("pts")
        return "; ".join(f"≥ {fmt.num(b.min)}: {fmt.num(b.points)} {pts}" for b in spec.bands)

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr("Type the number: %(label)s", label=spec.label or item.title)


# ------------------------------------------------------------------ proportional, deduction


class ProportionalKind(AnswerKind):
    """Points in proportion: max × numerator ÷ denominator, rounded half-up to the catalog's
    ``precision`` ("Điểm = Tỷ lệ % hồ sơ đúng hạn × 3")."""

    name = "proportional"
    keys = frozenset({"numerator", "denominator", "zero_denominator"})

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        den = rng.randint(20, 400)
        num = den if good else int(den * rng.uniform(0.7, 1.0))
        return f"{num}/{den}"

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        quantum = Decimal(1).scaleb(-s.precision)
        if s.max != s.max.quantize(quantum):
            chk.err(
                s.where,
                N_("max %(max)s has more decimals than the catalog's precision (%(precision)s)"),
                max=s.max,
                precision=s.precision,
            )
        fraction = _fraction_spec(chk, s)
        if fraction is None:
            return None
        num, den, zero = fraction
        return AnswerSpec(
            kind=self.name,
            numerator=num,
            denominator=den,
            zero_denominator=zero,
            precision=s.precision,
        )

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        s = text.strip()
        if s.endswith("%"):
            pct = parse_number(s[:-1])
            if pct < 0:
                raise AnswerError(N_("numbers in a ratio cannot be negative"))
            if pct > HUNDRED:
                raise AnswerError(N_("%(pct)s%% is over 100%%"), pct=pct)
            return Answer(num=pct, den=HUNDRED)
        num, den = parse_fraction(text)
        return Answer(num=num, den=den)

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        num, den = _fraction_of(answer)
        if den == 0:
            return _zero_den(item, spec)
        exact = item.max * min(num, den) / den
        return Score(exact.quantize(Decimal(1).scaleb(-spec.precision), ROUND_HALF_UP))

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        text = fmt.tr(
            "%(max)s × %(num)s ÷ %(den)s, rounded to %(digits)s decimals",
            max=fmt.num(item.max),
            num=spec.numerator or "",
            den=spec.denominator or "",
            digits=spec.precision,
        )
        if spec.zero_denominator == "full":
            return text + "; " + fmt.tr("no cases: full points")
        if spec.zero_denominator == "zero":
            return text + "; " + fmt.tr("no cases: 0")
        return text + "; " + fmt.tr("no cases: not counted")

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr(
            "Type %(num)s / %(den)s, e.g. 3/4, or a percentage such as 75%%.",
            num=spec.numerator or "",
            den=spec.denominator or "",
        )


class DeductionKind(AnswerKind):
    """Points off inside a criterion: max − min(per × count, cap), never below 0 ("mỗi báo cáo
    chậm trừ 0,25 điểm")."""

    name = "deduction"
    keys = frozenset({"per", "cap", "label"})

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        return "0" if good else str(rng.randint(1, 4))

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        per = chk.dec(s.where, s.raw.get("per"), "per")
        if per is not None and per <= 0:
            chk.err(
                s.where,
                N_("per must be greater than 0 (the points taken off for each occurrence)"),
            )
        cap = chk.dec(s.where, s.raw.get("cap", s.max), "cap")
        if cap is not None and (cap <= 0 or cap > s.max):
            chk.err(
                s.where,
                N_("cap %(cap)s must be above 0 and at most max %(max)s"),
                cap=cap,
                max=s.max,
            )
        label = s.raw.get("label")
        if per is None or cap is None:
            return None
        return AnswerSpec(
            kind=self.name,
            per=per,
            cap=min(max(cap, ZERO), s.max),
            label=label if isinstance(label, str) else None,
        )

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        try:
            value = parse_number(text, integer_grouping=True)
        except AnswerError as err:
            raise AnswerError(
                N_("'%(text)s' is not a count; type a whole number, 0 or more"), text=clip(text)
            ) from err
        if value < 0 or value != value.to_integral_value():
            raise AnswerError(
                N_("'%(text)s' is not a count; type a whole number, 0 or more"), text=clip(text)
            )
        return Answer(number=value.to_integral_value())

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        if answer.number is None:
            raise AnswerError(N_("a number answer needs a value"))
        taken = min(spec.per * max(answer.number, ZERO), spec.cap)
        return Score(max(item.max - taken, ZERO))

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr(
            "%(max)s, minus %(per)s for each one counted (at most %(cap)s off)",
            max=fmt.num(item.max),
            per=fmt.num(spec.per),
            cap=fmt.num(spec.cap),
        )

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr("Type how many: %(label)s (0 if none).", label=spec.label or item.title)


# ------------------------------------------------------------------ date, manual, survey


class DateKind(AnswerKind):
    name = "date"
    keys = frozenset({"deadline", "on_time", "late"})

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        assert spec.deadline is not None
        if good:
            return (spec.deadline - timedelta(days=rng.randint(0, 10))).isoformat()
        return (spec.deadline + timedelta(days=rng.randint(1, 30))).isoformat()

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        deadline = s.raw.get("deadline")
        if isinstance(deadline, str):
            try:
                deadline = date.fromisoformat(deadline)
            except ValueError:
                deadline = None
        if not isinstance(deadline, date):
            chk.err(s.where, N_("a date item needs 'deadline: YYYY-MM-DD'"))
            return None
        on_time = chk.dec(s.where, s.raw.get("on_time", s.max), "on_time") or ZERO
        late = chk.dec(s.where, s.raw.get("late", 0), "late") or ZERO
        chk.within(s.where, on_time, s.max)
        chk.within(s.where, late, s.max)
        if on_time != s.max:
            chk.err(
                s.where,
                N_("on_time gives %(best)s, not the max %(max)s"),
                best=on_time,
                max=s.max,
            )
        return AnswerSpec(kind=self.name, deadline=deadline, on_time=on_time, late=late)

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        if fold(text) in NOT_DONE:
            return Answer(done=False)
        return Answer(on=parse_date(text))

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        if not answer.done or answer.on is None:
            return Score(ZERO)
        assert spec.deadline is not None
        return Score(spec.on_time if answer.on <= spec.deadline else spec.late)

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        assert spec.deadline is not None
        return fmt.tr(
            "by %(date)s: %(on)s; later: %(late)s; not done: 0",
            date=fmt.date(spec.deadline),
            on=fmt.num(spec.on_time),
            late=fmt.num(spec.late),
        )

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr("Type the date it was done, e.g. 16/3/2024, or tap “Not done”.")

    def buttons(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> tuple[ButtonSpec, ...]:
        return (ButtonSpec(fmt.tr("Not done"), "nd"),)


class ManualKind(AnswerKind):
    name = "manual"
    keys = frozenset({"step"})
    explained = True

    def spec(self, chk: Checker, s: SpecInput) -> AnswerSpec | None:
        step = chk.dec(s.where, s.raw.get("step", "0.01"), "step") or Decimal("0.01")
        if step <= 0 or (s.max % step) != 0:
            chk.err(
                s.where,
                N_("step %(step)s must be positive and divide max %(max)s"),
                step=step,
                max=s.max,
            )
        return AnswerSpec(kind=self.name, step=step)

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        return Answer(points=validate_manual(item, parse_number(text)))

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        if answer.points is None:
            raise AnswerError(N_("a manual answer needs points"))
        return Score(min(max(answer.points, ZERO), item.max))

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr(
            "Type the points (0 to %(max)s, in steps of %(step)s).",
            max=fmt.num(item.max),
            step=fmt.num(spec.step),
        )


def validate_manual(item: Item, value: Decimal) -> Decimal:
    assert item.answer is not None
    step = item.answer.step
    if value < 0 or value > item.max:
        raise AnswerError(N_("points must be between 0 and %(max)s"), max=item.max)
    if value % step != 0:
        raise AnswerError(N_("points must be a multiple of %(step)s"), step=step)
    return value


class SurveyKind(AnswerKind):
    name = "survey"
    self_scored = False
    typed = False

    def sample(self, item: Item, spec: AnswerSpec, rng: random.Random, good: bool) -> str | None:
        return None

    def parse(self, item: Item, spec: AnswerSpec, text: str) -> Answer:
        raise AnswerError(
            N_("item %(code)s is filled from the survey, not self-scored"), code=item.code
        )

    def score(self, item: Item, spec: AnswerSpec, answer: Answer) -> Score:
        raise AnswerError(
            N_("item %(code)s is filled from the survey, not self-scored"), code=item.code
        )

    def rule(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return fmt.tr("points from the sociological survey")

    def prompt(self, fmt: Fmt, item: Item, spec: AnswerSpec) -> str:
        return self.rule(fmt, item, spec)


KINDS: Mapping[str, AnswerKind] = {
    k.name: k
    for k in (
        ChoiceKind(),
        RatioKind(),
        ProportionalKind(),
        NumberKind(),
        DeductionKind(),
        DateKind(),
        ManualKind(),
        SurveyKind(),
    )
}
"""Every answer kind by name: the one list of what a catalog's ``kind:`` may say."""

KIND_NAMES: tuple[str, ...] = tuple(KINDS)


def kind_of(item: Item) -> tuple[AnswerKind, AnswerSpec]:
    """The kind behaviour and spec of a leaf; raises AnswerError for a group."""
    spec = item.answer
    if spec is None:
        raise AnswerError(N_("item %(code)s is a group; answer its sub-items"), code=item.code)
    return KINDS[spec.kind], spec
