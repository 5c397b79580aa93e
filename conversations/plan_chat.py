"""``/plan`` in the chat: Phòng Nội vụ imports the year's plan without the command line.

* The admin sends the plan document (.docx, .pdf, .txt, .md) with the caption ``/plan``
  (``/plan 2023`` names the assessed year when the title does not): the bot reads it, saves
  nothing, and answers with the review (one entry per step: date, title, who leads, who must
  act, the plan's sentence) and the plan as a YAML file to correct.
* The admin sends the corrected YAML back with the caption ``/plan``: it is imported as
  written (nothing guessed), milestones updated by id with their reminder settings kept.

Only admins may do either; anyone else gets a refusal and nothing is read or written.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import tempfile
from pathlib import Path

from conversations.context import Ctx
from conversations.formats import DocumentReader
from conversations.markup import join_lines
from conversations.plan import Plan, PlanFormatError, extract_plan, infer_period, load_plan
from conversations.plan.yaml_format import dump_plan
from conversations.plan_review import review_html, save_plan
from conversations.replies import OutgoingFile

CAPTION = re.compile(r"^\s*/plan(?:@\w+)?(?:\s+(.*?))?\s*$", re.IGNORECASE | re.DOTALL)
YEAR = re.compile(r"^(20\d\d)$")
YAML_SUFFIXES = (".yaml", ".yml")
DOCUMENT_SUFFIXES = (".docx", ".pdf", ".txt", ".md")
MESSAGE_LIMIT = 3500


async def plan_cmd(ctx: Ctx, _args: str = "") -> None:
    """``/plan`` typed without a file: say how to send one."""
    ctx.say(
        ctx.tr(
            "Send the plan (.docx, .pdf, .txt or .md) as a file with the caption /plan "
            "(or /plan 2024 for the assessed year). I will show what I found and send it "
            "back as YAML; correct the YAML if needed and send it with the caption /plan to "
            "import it."
        )
    )


async def on_file(ctx: Ctx) -> None:
    """A file captioned ``/plan``: review a document, or import a reviewed YAML."""
    f = ctx.event.file
    if f is None or ctx.file_data is None:
        ctx.say(
            ctx.tr(
                "I could not download this file from Telegram. Please send it again; "
                "nothing was saved."
            )
        )
        return
    name = f.name or "ke-hoach.txt"
    suffix = Path(name).suffix.lower()
    caption = CAPTION.match(f.caption or "")
    argument = (caption[1] or "").strip() if caption else ""
    if argument and not YEAR.match(argument):
        ctx.say(
            ctx.tr("After /plan write only the assessed year, e.g. /plan 2024. Nothing was saved.")
        )
        return
    year = int(argument) if argument else None
    if suffix in YAML_SUFFIXES:
        await _import_yaml(ctx, ctx.file_data, year)
    elif suffix in DOCUMENT_SUFFIXES:
        await _review_document(ctx, name, ctx.file_data, year)
    else:
        ctx.say(
            ctx.tr(
                "I cannot read %(name)s as a plan: send a .docx, .pdf, .txt or .md file, or "
                "the reviewed .yaml. Nothing was saved.",
                name=name[:80],
            )
        )


def _read(reader: DocumentReader, name: str, data: bytes) -> str:
    """The document's text (python-docx / pypdf read files, so it goes through a temp file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"plan{Path(name).suffix.lower()}"
        path.write_bytes(data)
        return reader.text(path)


async def _review_document(ctx: Ctx, name: str, data: bytes, year: int | None) -> None:
    try:
        text = await asyncio.to_thread(_read, ctx.config.need_formats().documents, name, data)
    except Exception:  # a damaged .docx/.pdf, not UTF-8 text: say so, never a traceback
        ctx.say(
            ctx.tr(
                "I could not read %(name)s. Check that it is the plan document, or send it "
                "as .docx or .txt. Nothing was saved.",
                name=name[:80],
            )
        )
        return
    year = year or infer_period(text) or await _latest_year(ctx)
    if year is None:
        ctx.say(ctx.tr("I cannot tell the plan's year: send it again with the caption /plan 2024."))
        return
    plan = extract_plan(text, year)
    if not plan.milestones:
        ctx.say(
            ctx.tr(
                "No dated steps found in %(name)s; nothing was imported. Check that the "
                "file is the plan with its timeline.",
                name=name[:80],
            )
        )
        return
    _say_review(
        ctx,
        plan,
        ctx.tr(
            "📋 Plan %(year)s from %(name)s: %(n)s steps.",
            year=year,
            name=name[:80],
            n=len(plan.milestones),
        ),
    )
    path = await asyncio.to_thread(_write_yaml, ctx, plan)
    ctx.say(
        ctx.tr(
            "Nothing is saved yet. Correct this YAML where a date, title, lead or audience "
            "is wrong (audience: all, department, commune or admins), then send it back with "
            "the caption /plan to import it."
        ),
        document=OutgoingFile(str(path), f"ke-hoach-{plan.period}.yaml", "application/yaml"),
    )


async def _import_yaml(ctx: Ctx, data: bytes, year: int | None) -> None:
    try:
        plan = load_plan(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        ctx.say(
            ctx.tr(
                "The YAML file is not UTF-8 text. Save it as UTF-8 and send it again; "
                "nothing was saved."
            )
        )
        return
    except PlanFormatError as err:
        ctx.say(
            ctx.tr("The YAML has a problem: %(problem)s", problem=str(err)[:300])
            + "\n"
            + ctx.tr("Correct it and send it again with the caption /plan; nothing was saved.")
        )
        return
    if year is not None and year != plan.period:
        ctx.say(
            ctx.tr(
                "The file is the plan of %(file_year)s, not %(year)s. Nothing was saved.",
                file_year=plan.period,
                year=year,
            )
        )
        return
    report = await save_plan(ctx.uow, plan.period, plan)
    lines = [
        ctx.tr(
            "✅ Plan %(year)s imported: %(created)s steps created, %(updated)s updated.",
            year=plan.period,
            created=report.created,
            updated=report.updated,
        )
    ]
    if report.others:
        lines.append(
            ctx.tr("Kept, though not in this file: %(ids)s.", ids=", ".join(report.others)[:500])
        )
    lines.append(ctx.tr("Type /deadlines to see the plan."))
    ctx.say(join_lines(lines))


def _say_review(ctx: Ctx, plan: Plan, head: str) -> None:
    """The review, split into messages under Telegram's length limit."""
    chunk = head
    for n, m in enumerate(plan.milestones, start=1):
        entry = review_html(ctx.locale, n, m)
        if len(chunk) + len(entry) + 2 > MESSAGE_LIMIT:
            ctx.say(chunk)
            chunk = entry
        else:
            chunk = chunk + "\n\n" + entry
    ctx.say(chunk)


def _write_yaml(ctx: Ctx, plan: Plan) -> Path:
    text = dump_plan(plan)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = ctx.config.data_dir / "plans" / f"{digest}-{plan.period}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


async def _latest_year(ctx: Ctx) -> int | None:
    period = await ctx.uow.periods.latest()
    return period.year if period else None
