"""Appendix → draft catalog: find the table, build the tree, guess, write, validate (the file is
read first, by :mod:`catalog_draft.readers`; :func:`catalog_draft.files.draft_file` does both).

The draft is validated with the real catalog loader before anyone sees it; an item the loader
still refuses is turned into a manual item with the loader's words as the reason, so the YAML
handed back always validates as written and the review list says why each such item changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from catalog_draft.errors import DraftError
from catalog_draft.extras import read_extras
from catalog_draft.leaf import RuleContext, manual
from catalog_draft.model import ClassRuleDraft, Extras, Note, Translate
from catalog_draft.render import HEADER, HEADER_CHECKS, Writer, scalar
from catalog_draft.rows import Lines, criteria_lines
from catalog_draft.rules import guess
from catalog_draft.source import SourceDocument
from catalog_draft.tree import Tree, TreeBuilder
from scoring.catalog import CatalogError
from scoring.catalog_loader import load_catalog
from scoring.i18n import N_
from scoring.values import fold_chars

NOT_APPENDIX = N_("No criteria table was found in %(name)s.")
NOT_APPENDIX_HINT = N_(
    "Send the appendix whose table has the columns STT, Lĩnh vực/tiêu chí, Điểm tối đa and "
    "Cách tính điểm."
)
EMPTY_TABLE = N_("The criteria table in %(name)s has no rows with codes and points.")
EMPTY_HINT = N_("Check that the table is filled in (codes 1, 1.1, 1.1.1 and their points).")
BOARD_ASSUMED = N_("the document does not say which units it is for; '%(board)s' was assumed")
SEVERAL_BOARDS = N_(
    "the document names several kinds of units; '%(board)s' was written, not %(others)s: "
    "one catalog per board, or list them all"
)
NO_CLASSES = N_(
    "the document has no classification sentence; the usual four classes were written, "
    "check them against the decision"
)
TOTAL_MISMATCH = N_("the table's total row says %(stated)s but the fields add up to %(sum)s")
LOADER = N_("the catalog check refused the guess (%(problem)s); it is asked as points instead")
DEFAULT_CLASSES = (
    ClassRuleDraft("Hoàn thành xuất sắc nhiệm vụ", Decimal(90), Decimal(80)),
    ClassRuleDraft("Hoàn thành tốt nhiệm vụ", Decimal(80), Decimal(70)),
    ClassRuleDraft("Hoàn thành nhiệm vụ", Decimal(65), Decimal(50)),
    ClassRuleDraft("Không hoàn thành nhiệm vụ"),
)


@dataclass
class Draft:
    name: str
    format: str
    catalog_id: str
    board: str
    extras: Extras
    tree: Tree
    stated_total: Decimal | None
    yaml_text: str = ""
    valid: bool = False
    problems: list[str] = field(default_factory=list)
    top_review: dict[str, list[Note]] = field(default_factory=dict)

    def review(self) -> list[tuple[str, Note]]:
        """Every (code, note) a person must check, document order; catalog-level first."""
        out = [(where, n) for where, notes in self.top_review.items() for n in notes]
        for root in self.tree.roots():
            for node in root.walk():
                out.extend((node.code, n) for n in node.review)
                if node.guess is not None:
                    out.extend((node.code, n) for n in node.guess.review)
        return out


@dataclass(frozen=True)
class Options:
    catalog_id: str | None = None
    board: str | None = None
    year: int | None = None
    translate: Translate = str
    num: Callable[[Decimal], str] = str


def draft_document(doc: SourceDocument, name: str, opts: Options) -> Draft:
    short = PurePath(name).name
    lines = criteria_lines(doc)
    if lines.columns is None:
        raise DraftError(NOT_APPENDIX, NOT_APPENDIX_HINT, name=short)
    builder = TreeBuilder()
    for line in lines.lines:
        builder.add(line)
    tree = builder.finish()
    if not tree.fields:
        raise DraftError(EMPTY_TABLE, EMPTY_HINT, name=short)
    extras = read_extras(lines.loose)
    year = opts.year or extras.year
    draft = Draft(
        name=short,
        format=doc.format,
        catalog_id=opts.catalog_id or _catalog_id(extras, short, year),
        board=opts.board or extras.board or "commune",
        extras=extras,
        tree=tree,
        stated_total=lines.stated_total,
    )
    _top_checks(draft, lines, opts)
    for root in tree.roots():
        for leaf in root.leaves():
            assert leaf.max is not None
            ctx = RuleContext(leaf.max, leaf.section, leaf.title, year, leaf.survey_hint)
            leaf.guess = guess(leaf.rule, ctx)
    _write_validated(draft, opts)
    return draft


def _top_checks(draft: Draft, lines: Lines, opts: Options) -> None:
    top: dict[str, list[Note]] = {}
    if opts.board is None and draft.extras.board is None:
        top["board"] = [Note(BOARD_ASSUMED, {"board": draft.board})]
    elif opts.board is None and draft.extras.other_boards:
        others = ", ".join(draft.extras.other_boards)
        top["board"] = [Note(SEVERAL_BOARDS, {"board": draft.board, "others": others})]
    if not draft.extras.classification:
        top["classification"] = [Note(NO_CLASSES)]
    total = sum((f.max or Decimal(0) for f in draft.tree.fields), Decimal(0))
    if lines.stated_total is not None and lines.stated_total != total:
        top["items"] = [Note(TOTAL_MISMATCH, {"stated": lines.stated_total, "sum": total})]
    draft.top_review = top


def _catalog_id(extras: Extras, name: str, year: int | None) -> str:
    stem = (
        re.sub(r"[^a-z0-9]+", "-", fold_chars(PurePath(name).stem)).strip("-")[:40] or "bo-chi-so"
    )
    if year is not None and str(year) not in stem:
        stem = f"{stem}-{year}"
    return stem


def _write_validated(draft: Draft, opts: Options) -> None:
    """Write, validate; turn leaves the loader refuses into manual ones; at most a few rounds."""
    leaves = {leaf.code: leaf for root in draft.tree.roots() for leaf in root.leaves()}
    for _ in range(3):
        draft.yaml_text = render(draft, opts)
        try:
            load_catalog(draft.yaml_text)
        except CatalogError as err:
            fixed = False
            for problem in err.problems:
                leaf = leaves.get(problem.where)
                if leaf is not None and leaf.guess is not None and leaf.guess.kind != "manual":
                    assert leaf.max is not None
                    text = problem.render(opts.translate).split(": ", 1)[-1]
                    leaf.guess = manual(
                        leaf.max, leaf.guess.phrase, Note(LOADER, {"problem": text})
                    )
                    fixed = True
            draft.problems = [p.render(opts.translate) for p in err.problems]
            if not fixed:
                return
            continue
        draft.valid = True
        draft.problems = []
        return


def render(draft: Draft, opts: Options) -> str:
    w = Writer(opts.translate, opts.num)
    w.comment(0, opts.translate(HEADER) % {"file": draft.name})
    n = len(draft.review())
    if n:
        w.comment(0, opts.translate(HEADER_CHECKS) % {"n": n})
    e = draft.extras
    w.line(0, f"catalog: {scalar(draft.catalog_id)}")
    w.line(0, f"title: {scalar(e.title or PurePath(draft.name).stem)}")
    w.checks(0, draft.top_review.get("board", []))
    if e.board_phrase and not draft.top_review.get("board"):
        w.guess(0, draft.board, e.board_phrase)
    w.line(0, f"board: {draft.board}")
    w.line(0, "scale: 100")
    if e.decision:
        w.line(0, f"decision: {scalar(e.decision)}")
    rules = e.classification or list(DEFAULT_CLASSES)
    w.classification(rules, e.classification_phrase, draft.top_review.get("classification", []))
    w.checks(0, draft.top_review.get("items", []))
    w.line(0, "items:")
    for f in draft.tree.fields:
        w.node(f, 2)
    t = draft.tree
    if t.bonus:
        cap = t.bonus_cap or sum((b.max or Decimal(0) for b in t.bonus), Decimal(0))
        w.section("bonus", cap, t.bonus, [])
    if t.penalty:
        cap = t.penalty_cap or sum((p.max or Decimal(0) for p in t.penalty), Decimal(0))
        w.section("penalty", cap, t.penalty, [])
    return w.text()


__all__ = ["Draft", "DraftError", "Options", "draft_document"]
