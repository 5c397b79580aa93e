"""/catalog in chat: Phòng Nội vụ sends the decision's appendix and gets a draft catalog back;
sends the reviewed YAML back with ``/catalog import`` to load it.

    [appendix .docx/.xlsx/.pdf, caption /catalog or /catalog draft] → report + draft YAML
    [reviewed .yaml, caption /catalog import [YEAR]]                 → imported, or every problem

The drafting itself lives in :mod:`catalog_draft`; the appendix is read by the composition
root's :class:`~conversations.formats.AppendixReader` (catalog_draft's readers, the only code
touching the document libraries); this module only checks who asks, calls it and words the
replies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import PurePath

from catalog_draft.draft import Draft, DraftError, Options, draft_document
from catalog_draft.readers.limits import too_big
from catalog_draft.render import CHECK
from catalog_draft.report import report_lines
from catalog_draft.source import MAX_APPENDIX_BYTES
from conversations import assessment as A
from conversations import sheets, throttle
from conversations.context import Ctx
from conversations.formats import AppendixReader
from conversations.i18n import SUPPORTED, fmt_num, gettext_for
from conversations.markup import esc, fmt, join_lines
from conversations.replies import OutgoingFile
from scoring.catalog import CatalogError
from scoring.i18n import N_

YAML_MIME = "application/yaml"
MAX_REVIEW_LINES = 25
MAX_PROBLEMS = 20
DRAFT_WORDS = ("", "draft", "soan", "soạn")
IMPORT_WORDS = ("import", "nap", "nạp")


async def catalog_cmd(ctx: Ctx, args: str = "") -> None:
    """/catalog typed without a file: say how to use it."""
    ctx.say(_usage(ctx))


def _usage(ctx: Ctx) -> str:
    return ctx.tr(
        "To draft a criteria set: send the decision's appendix (.docx, .xlsx or PDF) with the "
        "caption /catalog. To load a reviewed draft: send the .yaml file with the caption "
        "/catalog import (or /catalog import 2025 for another year)."
    )


async def on_file(ctx: Ctx, args: str) -> None:
    """A file whose caption starts with /catalog."""
    words = args.split()
    head = words[0].lower() if words else ""
    if head not in DRAFT_WORDS and head not in IMPORT_WORDS:
        ctx.say(_usage(ctx))
        return
    data = _received(ctx)
    if data is None or ctx.event.file is None:
        return
    if head in IMPORT_WORDS:
        await _import(ctx, data, words[1:])
    elif PurePath(ctx.event.file.name or "").suffix.lower() in (".yaml", ".yml"):
        ctx.say(
            ctx.tr("This is a catalog YAML, not an appendix.")
            + "\n"
            + ctx.tr("To import it, send it again with the caption /catalog import.")
        )
    else:
        await _draft(ctx, data)


def _received(ctx: Ctx) -> bytes | None:
    f = ctx.event.file
    assert f is not None
    if ctx.file_error == "too_large" or (f.size or 0) > MAX_APPENDIX_BYTES:
        what, todo = too_big(f.size or 0).render(_translator(ctx))
        ctx.say(f"{what}\n{todo}\n" + ctx.tr("Nothing was imported."))
        return None
    if ctx.file_data is None:
        ctx.say(ctx.tr("I could not download the file. Please send it again."))
        return None
    return ctx.file_data


def _draft_file(reader: AppendixReader, name: str, data: bytes, opts: Options) -> Draft:
    """Read the appendix (the composition root's reader) and draft from its tables."""
    return draft_document(reader.read(name, data), name, opts)


async def _draft(ctx: Ctx, data: bytes) -> None:
    if not throttle.allow(ctx, "catalog:draft"):
        return
    f = ctx.event.file
    assert f is not None
    name = PurePath(f.name or "phu-luc").name
    translate = _translator(ctx)
    opts = Options(translate=translate, num=lambda d: fmt_num(d, ctx.locale, 3))
    try:
        draft = await asyncio.to_thread(
            _draft_file, ctx.config.need_formats().appendix, name, data, opts
        )
    except DraftError as err:
        what, todo = err.render(translate)
        ctx.say(f"{esc(what)}\n{esc(todo)}\n" + ctx.tr("Nothing was imported."))
        return
    lines = report_lines(draft, translate, opts.num, fields=True)
    ctx.say(esc("\n".join(_clip(lines))))
    path = sheets.export_path(ctx.config.data_dir, f"bo-chi-so-{draft.catalog_id}")
    path = path.with_suffix(".yaml")
    path.write_text(draft.yaml_text, encoding="utf-8")
    ctx.say(
        ctx.tr(
            "Draft criteria set: check the lines marked CHECK, correct what is wrong, then send "
            "the file back with the caption /catalog import."
        ),
        document=OutgoingFile(str(path), f"{draft.catalog_id}.yaml", YAML_MIME),
    )


def _clip(lines: list[str]) -> list[str]:
    """The report fits one message: a very long review list points to the file's comments."""
    if len(lines) <= MAX_REVIEW_LINES + 12:
        return lines
    return [*lines[: MAX_REVIEW_LINES + 12], "…"]


async def _import(ctx: Ctx, data: bytes, rest: list[str]) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        ctx.say(
            ctx.tr("This is not a YAML text file.")
            + "\n"
            + ctx.tr("Send the draft .yaml file (as parbot sent it, after your corrections).")
        )
        return
    year = await _year(ctx, rest)
    if year is None:
        return
    try:
        _row, catalog, created = await A.import_catalog(ctx.uow, text, year)
    except CatalogError as err:
        _refuse(ctx, [p.render(_translator(ctx)) for p in err.problems])
        return
    except A.RowsRejected as err:
        _refuse(ctx, [p.render(_translator(ctx)) for p in err.problems])
        return
    msg = (
        N_(
            "Catalog %(id)s imported for %(year)s: %(fields)s fields, %(items)s items, "
            "%(max)s points."
        )
        if created
        else N_(
            "Catalog %(id)s updated for %(year)s: %(fields)s fields, %(items)s items, "
            "%(max)s points."
        )
    )
    ctx.say(
        ctx.tr(
            msg,
            id=esc(catalog.id),
            year=year,
            fields=len(catalog.fields),
            items=len(catalog.leaves()),
            max=ctx.num(catalog.max_total),
        )
        + _unchecked(ctx, text)
    )


def _unchecked(ctx: Ctx, text: str) -> str:
    """A reminder when the draft's CHECK comments are still in the imported file."""
    marks = {gettext_for(loc, CHECK).split("%", 1)[0].strip() for loc in SUPPORTED}
    n = sum(1 for line in text.splitlines() if line.strip().lstrip("# ").startswith(tuple(marks)))
    if not n:
        return ""
    return "\n" + ctx.tr(
        "%(n)s lines marked CHECK are still in the file: make sure each was looked at.", n=n
    )


async def _year(ctx: Ctx, rest: list[str]) -> int | None:
    if rest:
        if rest[0].isdigit() and 2000 <= int(rest[0]) <= 2100:
            return int(rest[0])
        ctx.say(
            ctx.tr(
                "“%(text)s” is not a year; write it like /catalog import 2025.",
                text=esc(rest[0][:12]),
            )
        )
        return None
    period = await ctx.uow.periods.latest()
    return period.year if period is not None else ctx.now.year


def _refuse(ctx: Ctx, problems: list[str]) -> None:
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    lines = [ctx.tr("Nothing was imported; %(n)s problem(s) in the file:", n=len(problems))]
    lines += [fmt("• %(problem)s", problem=p) for p in shown]
    if more:
        lines.append(ctx.tr("… and %(n)s more.", n=more))
    lines.append(ctx.tr("Correct them and send the file again with the caption /catalog import."))
    ctx.say(join_lines(lines))


def _translator(ctx: Ctx) -> Callable[[str], str]:
    locale = ctx.locale
    return lambda message: gettext_for(locale, message)
