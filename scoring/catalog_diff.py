"""Which criterion of last year's catalog became which criterion of this year's.

Comparing a unit with the year before is only honest criterion by criterion when both years
mean the same criterion: catalogs are re-issued every year, criteria get a new code, a new
title, a new maximum, are split in two or merged.  :func:`diff` proposes a mapping of the
scored items (leaves) — by code, then by title — and :func:`dump` writes it as a YAML file the
admin reads and corrects; :func:`load` reads the corrected file back, checking every code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

import yaml

from scoring.catalog import Catalog, Item
from scoring.i18n import N_

MATCHES = ("same", "renamed", "recoded", "split", "merged", "added", "removed")
SAME_CODE_MIN = 0.5  # a kept code whose title is less alike than this is another criterion
RECODED_MIN = 0.8  # title likeness for "the same criterion under a new code"
PART_MIN = 0.7  # share of a part's title words found in the whole (split, merged)
FORMAT = 1


@dataclass(frozen=True)
class Link:
    """Old leaves ``old`` correspond to new leaves ``new`` (one side empty: added/removed)."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    match: str
    old_max: Decimal = Decimal(0)
    new_max: Decimal = Decimal(0)
    similarity: float | None = None

    @property
    def max_changed(self) -> bool:
        return bool(self.old and self.new and self.old_max != self.new_max)

    @property
    def comparable(self) -> bool:
        return bool(self.old and self.new)


@dataclass(frozen=True)
class PairMapping:
    """The mapping between one old catalog and the new catalog of the same board(s)."""

    old_catalog: str
    new_catalog: str
    links: tuple[Link, ...]
    _by_new: dict[str, Link] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for link in self.links:
            for code in link.new:
                self._by_new[code] = link

    def link_for_new(self, code: str) -> Link | None:
        return self._by_new.get(code)


@dataclass(frozen=True)
class MappingProblem:
    message: str
    params: dict[str, object]


class MappingError(ValueError):
    def __init__(self, problems: list[MappingProblem]):
        self.problems = problems
        super().__init__("; ".join(p.message % p.params for p in problems))


# ------------------------------------------------------------------ titles


def _norm(title: str) -> str:
    """Lower case, no accents, no years ("năm 2024"), words separated by single spaces."""
    text = unicodedata.normalize("NFD", title.lower().replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"\b(19|20)\d\d\b", " ", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _norm(a), _norm(b)).ratio()


def _part_of(part: str, whole: str) -> float:
    """Share of ``part``'s words that occur in ``whole``."""
    words = _norm(part).split()
    have = set(_norm(whole).split())
    return sum(w in have for w in words) / len(words) if words else 0.0


# ------------------------------------------------------------------ diff


def _leaves(cat: Catalog) -> dict[str, Item]:
    return {leaf.code: leaf for leaf in cat.leaves()}


def _maxes(items: dict[str, Item], codes: Iterable[str]) -> Decimal:
    return sum((items[c].max for c in codes), Decimal(0))


class _Differ:
    def __init__(self, old: Catalog, new: Catalog) -> None:
        self.old_cat, self.new_cat = old, new
        self.old, self.new = _leaves(old), _leaves(new)
        self.left_old = list(self.old)
        self.left_new = list(self.new)
        self.links: list[Link] = []

    def link(self, old: Sequence[str], new: Sequence[str], match: str, sim: float | None) -> None:
        for c in old:
            self.left_old.remove(c)
        for c in new:
            self.left_new.remove(c)
        self.links.append(
            Link(
                tuple(old),
                tuple(new),
                match,
                _maxes(self.old, old),
                _maxes(self.new, new),
                round(sim, 2) if sim is not None else None,
            )
        )

    def same_code(self) -> None:
        for code in [c for c in self.left_old if c in self.new]:
            sim = similarity(self.old[code].title, self.new[code].title)
            if sim >= SAME_CODE_MIN:
                match = (
                    "same"
                    if _norm(self.old[code].title) == _norm(self.new[code].title)
                    else ("renamed")
                )
                self.link([code], [code], match, sim)

    def by_title(self) -> None:
        pairs = sorted(
            (
                (similarity(self.old[o].title, self.new[n].title), o, n)
                for o in self.left_old
                for n in self.left_new
            ),
            reverse=True,
        )
        for sim, o, n in pairs:
            if sim < RECODED_MIN:
                break
            if o in self.left_old and n in self.left_new:
                self.link([o], [n], "recoded", sim)

    def split_and_merged(self, *, by_title: bool) -> None:
        """A leaf whose code became a parent of new leaves was split (and the reverse merged);
        with ``by_title``, also parts whose title words all but come from the whole."""
        for o in list(self.left_old):
            parts = [n for n in self.left_new if self._part(n, o, self.new, self.old, by_title)]
            if len(parts) >= 2:
                self.link([o], parts, "split", None)
        for n in list(self.left_new):
            parts = [o for o in self.left_old if self._part(o, n, self.old, self.new, by_title)]
            if len(parts) >= 2:
                self.link(parts, [n], "merged", None)

    def _part(
        self, part: str, whole: str, parts: dict[str, Item], wholes: dict[str, Item], by_title: bool
    ) -> bool:
        if part.startswith(whole + "."):
            return True
        if not by_title:
            return False
        same_field = self.old_cat.field_of(
            part if parts is self.old else whole
        ) == self.new_cat.field_of(whole if parts is self.old else part)
        return same_field and _part_of(parts[part].title, wholes[whole].title) >= PART_MIN

    def rest(self) -> None:
        for o in list(self.left_old):
            self.link([o], [], "removed", None)
        for n in list(self.left_new):
            self.link([], [n], "added", None)


def diff(old: Catalog, new: Catalog) -> PairMapping:
    """The proposed mapping of ``old``'s scored items onto ``new``'s, in the new catalog's
    order (removed items last)."""
    d = _Differ(old, new)
    d.same_code()
    d.split_and_merged(by_title=False)
    d.by_title()
    d.split_and_merged(by_title=True)
    d.rest()
    order = {code: i for i, code in enumerate(d.new)}
    links = sorted(d.links, key=lambda link: min((order[c] for c in link.new), default=10**6))
    return PairMapping(old.id, new.id, tuple(links))


def identity(cat: Catalog) -> PairMapping:
    """The mapping of a catalog onto itself (a year that kept its catalog)."""
    return diff(cat, cat)


# ------------------------------------------------------------------ the file

HEADER = """\
# parbot — ánh xạ tiêu chí năm trước → năm nay / criteria mapping, last year → this year
# match: same (giữ nguyên), renamed (đổi tên), recoded (đổi mã), split (tách), merged (gộp),
#        added (mới), removed (bỏ). Sửa old/new nếu cần rồi nạp lại:
#        correct old/new where needed, then import:
#   parbot catalog mapping import THIS_FILE --period YEAR
# old_title / new_title / max_* chỉ để đọc (read only, ignored on import).
"""


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def dump(
    pairs: Sequence[PairMapping],
    old_cats: dict[str, Catalog],
    new_cats: dict[str, Catalog],
    *,
    from_year: int | None = None,
    to_year: int | None = None,
) -> str:
    """The mapping file: a YAML document with the titles and maxima beside every link."""
    doc: dict[str, Any] = {"parbot_mapping": FORMAT}
    if from_year is not None:
        doc["from_year"] = from_year
    if to_year is not None:
        doc["to_year"] = to_year
    doc["catalogs"] = []
    for pair in pairs:
        old, new = _leaves(old_cats[pair.old_catalog]), _leaves(new_cats[pair.new_catalog])
        rows = []
        for link in pair.links:
            row: dict[str, Any] = {
                "old": list(link.old),
                "new": list(link.new),
                "match": link.match,
            }
            if link.max_changed:
                row["max_old"], row["max_new"] = _num(link.old_max), _num(link.new_max)
            if link.similarity is not None and link.match != "same":
                row["similarity"] = link.similarity
            row["old_title"] = " | ".join(old[c].title for c in link.old)
            row["new_title"] = " | ".join(new[c].title for c in link.new)
            rows.append(row)
        doc["catalogs"].append({"old": pair.old_catalog, "new": pair.new_catalog, "items": rows})
    body = yaml.safe_dump(
        doc, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )
    return HEADER + body


def _codes(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [str(v) for v in value]
    return None


def _match(old: list[str], new: list[str], given: Any) -> str:
    if isinstance(given, str) and given in MATCHES:
        return given
    if not old:
        return "added"
    if not new:
        return "removed"
    if len(old) > 1:
        return "merged"
    if len(new) > 1:
        return "split"
    return "same" if old == new else "recoded"


def _pair(entry: Any, old_cats: dict[str, Catalog], new_cats: dict[str, Catalog]) -> PairMapping:
    problems: list[MappingProblem] = []
    if not isinstance(entry, dict):
        raise MappingError([MappingProblem(N_("each catalogs entry needs old, new and items"), {})])
    old_id, new_id = str(entry.get("old")), str(entry.get("new"))
    if old_id not in old_cats or new_id not in new_cats:
        raise MappingError(
            [
                MappingProblem(
                    N_("unknown catalog pair %(old)s → %(new)s"), {"old": old_id, "new": new_id}
                )
            ]
        )
    old, new = _leaves(old_cats[old_id]), _leaves(new_cats[new_id])
    seen_old: set[str] = set()
    seen_new: set[str] = set()
    links: list[Link] = []
    for n, row in enumerate(entry.get("items") or [], start=1):
        o_codes = _codes(row.get("old")) if isinstance(row, dict) else None
        n_codes = _codes(row.get("new")) if isinstance(row, dict) else None
        if o_codes is None or n_codes is None or not (o_codes or n_codes):
            problems.append(MappingProblem(N_("item %(n)s: old and new must be codes"), {"n": n}))
            continue
        for code, have, seen in [(c, old, seen_old) for c in o_codes] + [
            (c, new, seen_new) for c in n_codes
        ]:
            if code not in have:
                problems.append(
                    MappingProblem(
                        N_("item %(n)s: no scored item %(code)s"), {"n": n, "code": code}
                    )
                )
            elif code in seen:
                problems.append(
                    MappingProblem(
                        N_("item %(n)s: %(code)s is mapped twice"), {"n": n, "code": code}
                    )
                )
            seen.add(code)
        match = _match(o_codes, n_codes, row.get("match"))
        links.append(
            Link(
                tuple(o_codes),
                tuple(n_codes),
                match,
                sum((old[c].max for c in o_codes if c in old), Decimal(0)),
                sum((new[c].max for c in n_codes if c in new), Decimal(0)),
            )
        )
    if problems:
        raise MappingError(problems)
    return PairMapping(old_id, new_id, tuple(links))


def load(
    text: str, old_cats: dict[str, Catalog], new_cats: dict[str, Catalog]
) -> list[PairMapping]:
    """Read a (corrected) mapping file against the two years' catalogs; every problem is
    reported at once (:class:`MappingError`)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(
            [MappingProblem(N_("not a YAML file: %(error)s"), {"error": str(exc)[:200]})]
        ) from None
    if not isinstance(doc, dict) or doc.get("parbot_mapping") != FORMAT:
        raise MappingError([MappingProblem(N_("not a parbot mapping file"), {})])
    pairs: list[PairMapping] = []
    problems: list[MappingProblem] = []
    for entry in doc.get("catalogs") or []:
        try:
            pairs.append(_pair(entry, old_cats, new_cats))
        except MappingError as err:
            problems.extend(err.problems)
    if problems:
        raise MappingError(problems)
    return pairs


def pair_by_board(old: Sequence[Catalog], new: Sequence[Catalog]) -> list[tuple[Catalog, Catalog]]:
    """Each new catalog with the old catalog that covered (one of) its boards."""
    out = []
    for n in new:
        o = next((c for c in old if set(c.boards) & set(n.boards)), None)
        if o is not None:
            out.append((o, n))
    return out
