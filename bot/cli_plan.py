"""`parbot plan …` and `parbot ask`: the plan's timeline from the plan document, and its questions.

    parbot plan import FILE.(yaml|txt|md|docx|pdf) --period YEAR [--dry-run] [--json] [--prune]
    parbot plan list --period YEAR [--json]
    parbot plan export --period YEAR [-o FILE]          # the canonical YAML, to review and edit
    parbot plan reminders ID --period YEAR --days 7,3,1,0 | --default
    parbot ask "QUESTION" --period YEAR [--json] [--today YYYY-MM-DD] [--board commune]
    parbot ask log --period YEAR [--json]               # questions the plan did not answer

A YAML file is the canonical format (docs/plan.md); any other file is read as a plan document
and its milestones are extracted. Exit codes as the rest of the CLI: 0 ok, 1 the input was
rejected (nothing saved), 2 usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.app import Database
from bot.cli_common import cli_settings, run_db
from bot.settings import Settings
from conversations import deadline_answers as A
from conversations import deadlines as D
from conversations.deadline_text import plain
from conversations.i18n import t
from conversations.plan import (
    Milestone,
    Plan,
    PlanFormatError,
    extract_plan,
    infer_period,
    load_plan,
)
from conversations.plan.bridge import plan_from_rows
from conversations.plan.yaml_format import dump_plan
from conversations.plan_review import review_line, save_plan

YAML_SUFFIXES = (".yaml", ".yml")
T = TypeVar("T")


def _due_text(m: Milestone) -> str:
    if m.precision == "month":
        return f"{m.due.year:04d}-{m.due.month:02d}"
    if m.precision == "range" and m.start is not None:
        return f"{m.start.isoformat()} → {m.due.isoformat()}"
    return m.due.isoformat()


def milestone_json(m: Milestone) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "title_en": m.title_en,
        "kind": m.kind,
        "start": m.start.isoformat() if m.start else None,
        "due": m.due.isoformat(),
        "due_text": _due_text(m),
        "precision": m.precision,
        "lead": m.lead,
        "coordinate": m.coordinate,
        "audience": m.audience,
        "source": m.source,
    }


def review_table(loc: str, plan: Plan) -> list[str]:
    """One line per milestone: date, title, who leads, who must act, kind and id, the
    plan's sentence (see ``conversations.plan_review``)."""
    head = " | ".join(
        [t(loc, "date"), t(loc, "title"), t(loc, "lead"), t(loc, "must act"), "kind, id"]
    )
    lines = [f"    {head} | “{t(loc, 'source')}”"]
    lines += [review_line(loc, n, m) for n, m in enumerate(plan.milestones, start=1)]
    return lines


def _read_plan(s: Settings, file: str, year: int) -> Plan:
    path = Path(file)
    loc = s.locale
    try:
        if path.suffix.lower() in YAML_SUFFIXES:
            plan = load_plan(path.read_text(encoding="utf-8-sig"))
            if plan.period != year:
                _reject(
                    loc,
                    file,
                    [
                        t(
                            loc,
                            "the file is the plan of %(file_year)s, not %(year)s",
                            file_year=plan.period,
                            year=year,
                        )
                    ],
                )
            return plan
        from documents.plan_files import read_plan_file

        text = read_plan_file(path)
    except PlanFormatError as err:
        _reject(loc, file, [str(err)])
    except UnicodeDecodeError:
        _reject(loc, file, [t(loc, "not UTF-8 text")])
    except ValueError as err:  # unsupported file type
        click.echo(f"{file}: {err}", err=True)
        sys.exit(2)
    except Exception as err:  # a damaged .docx/.pdf: say so instead of a traceback
        _reject(loc, file, [t(loc, "cannot read the file: %(error)s", error=str(err)[:200])])
    found = infer_period(text)
    if found is not None and found != year:
        click.echo(
            t(
                loc,
                "Note: the document's title names the year %(found)s; importing it as the plan "
                "of %(year)s as asked.",
                found=found,
                year=year,
            ),
            err=True,
        )
    return extract_plan(text, year)


def _write_review_yaml(
    loc: str, file: str, plan: Plan, yaml_out: str | None, as_json: bool
) -> None:
    """The dry run of a document writes the plan as YAML for the admin to correct and import
    (a YAML input is already that file)."""
    if Path(file).suffix.lower() in YAML_SUFFIXES and yaml_out is None:
        return
    out = Path(yaml_out or f"{Path(file).stem}-{plan.period}.yaml")
    out.write_text(dump_plan(plan), encoding="utf-8")
    click.echo(
        t(
            loc,
            "Review YAML written to %(path)s: correct it, then run: parbot plan import "
            "%(path)s --period %(year)s",
            path=str(out),
            year=plan.period,
        ),
        err=as_json,
    )


def _reject(loc: str, file: str, problems: list[str]) -> None:
    click.echo(t(loc, "%(n)s problem(s) in %(file)s:", n=len(problems), file=file), err=True)
    for p in problems:
        click.echo(f"  - {p}", err=True)
    sys.exit(1)


@click.group("plan", help="Kế hoạch: các mốc thời gian / the plan's timeline (milestones).")
def plan_group() -> None:
    pass


@plan_group.command(
    "import", help="Nạp Kế hoạch (YAML, .txt, .md, .docx, .pdf) / import the plan's milestones."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessed year.")
@click.option("--dry-run", is_flag=True, help="Chỉ xem, không lưu / review only, save nothing.")
@click.option("--json", "as_json", is_flag=True, help="Xuất JSON / print JSON.")
@click.option(
    "--prune",
    is_flag=True,
    help="Xoá các mốc không còn trong tệp / delete stored milestones missing from the file.",
)
@click.option(
    "-o",
    "--yaml",
    "yaml_out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Tệp YAML để sửa (mặc định: TÊN-NĂM.yaml) / the YAML to correct (dry run).",
)
def plan_import(
    file: str, year: int, dry_run: bool, as_json: bool, prune: bool, yaml_out: str | None
) -> None:
    s = cli_settings()
    loc = s.locale
    plan = _read_plan(s, file, year)
    if as_json:
        click.echo(
            json.dumps([milestone_json(m) for m in plan.milestones], ensure_ascii=False, indent=2)
        )
    if not plan.milestones:
        click.echo(
            t(
                loc,
                "No dated milestones found in %(file)s; nothing was imported. Check that the "
                "file is the plan with its timeline, or write the milestones in YAML "
                "(docs/plan.md).",
                file=file,
            ),
            err=True,
        )
        sys.exit(1)
    if not as_json:
        click.echo(
            t(
                loc,
                "Plan %(year)s from %(file)s: %(n)s milestones.",
                year=year,
                file=file,
                n=len(plan.milestones),
            )
        )
        for line in review_table(loc, plan):
            click.echo(line)
    if dry_run:
        _write_review_yaml(loc, file, plan, yaml_out, as_json)
        if not as_json:
            click.echo(t(loc, "Dry run: nothing was saved."))
        return

    async def go(db: Database) -> tuple[int, int, list[str]]:
        async with db.uow() as uow:
            report = await save_plan(uow, year, plan, prune=prune)
            return report.created, report.updated, report.others

    created, updated, others = run_db(s, go)
    out = sys.stderr if as_json else sys.stdout
    click.echo(
        t(
            loc,
            "Milestones of %(year)s: %(created)s created, %(updated)s updated.",
            year=year,
            created=created,
            updated=updated,
        ),
        file=out,
    )
    if others and prune:
        click.echo(
            t(loc, "Deleted, no longer in the file: %(ids)s", ids=", ".join(others)), file=out
        )
    elif others:
        click.echo(
            t(
                loc,
                "Kept, though not in this file: %(ids)s (use --prune to delete them).",
                ids=", ".join(others),
            ),
            file=out,
        )


async def _stored(db: Database, year: int) -> tuple[Any, list[Any]]:
    async with db.uow() as uow:
        period = await uow.periods.get_by_year(year)
        if period is None:
            return None, []
        return period, await uow.milestones.list_for_period(period.id)


def _stored_or_fail(s: Settings, year: int) -> list[Any]:
    period, rows = run_db(s, lambda db: _stored(db, year))
    if period is None or not rows:
        click.echo(t(s.locale, "No milestones stored for %(year)s yet.", year=year), err=True)
        sys.exit(1)
    return rows


@plan_group.command("list", help="Các mốc đã lưu / the stored milestones.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessed year.")
@click.option("--json", "as_json", is_flag=True, help="Xuất JSON / print JSON.")
def plan_list(year: int, as_json: bool) -> None:
    s = cli_settings()
    rows = _stored_or_fail(s, year)
    if as_json:
        click.echo(json.dumps(D.milestones_json(rows), ensure_ascii=False, indent=2))
        return
    for line in review_table(s.locale, plan_from_rows(year, rows)):
        click.echo(line)
    custom = [x for x in rows if x.reminder_days is not None]
    for x in custom:
        click.echo(
            t(
                s.locale,
                "Reminders for %(id)s: %(days)s days before",
                id=x.key,
                days=",".join(str(d) for d in x.reminder_days) or "—",
            )
        )


@plan_group.command("export", help="Xuất Kế hoạch ra YAML / the stored plan as YAML.")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessed year.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def plan_export(year: int, output: str | None) -> None:
    s = cli_settings()
    rows = _stored_or_fail(s, year)
    _, _, sections = run_db(s, lambda db: _stored_with_text(db, year))
    plan = plan_from_rows(year, rows)
    text = dump_plan(Plan(plan.period, plan.milestones, sections))  # the text too
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _parse_days(text: str) -> list[int]:
    try:
        days = sorted({int(x) for x in text.replace(" ", "").split(",") if x != ""}, reverse=True)
    except ValueError:
        raise click.BadParameter("use numbers of days before the deadline, e.g. 7,3,1,0") from None
    if any(d < 0 or d > 90 for d in days):
        raise click.BadParameter("days must be between 0 and 90")
    return days


@plan_group.command(
    "reminders", help="Đặt ngày nhắc hạn cho một mốc / set when a milestone is reminded."
)
@click.argument("milestone")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessed year.")
@click.option("--days", default=None, help="Số ngày trước hạn, ví dụ 7,3,1,0 (trống: không nhắc).")
@click.option("--default", "use_default", is_flag=True, help="Dùng mặc định / back to default.")
def plan_reminders(milestone: str, year: int, days: str | None, use_default: bool) -> None:
    s = cli_settings()
    if (days is not None) == use_default:
        click.echo("plan reminders: give --days or --default", err=True)
        sys.exit(2)
    value = None if use_default else _parse_days(days or "")

    async def go(db: Database) -> bool:
        async with db.uow() as uow:
            period = await uow.periods.get_by_year(year)
            if period is None:
                return False
            return await uow.milestones.set_reminder_days(period.id, milestone, value)

    if not run_db(s, go):
        click.echo(
            t(s.locale, "No milestone %(id)s in %(year)s.", id=milestone, year=year), err=True
        )
        sys.exit(1)
    shown = "default" if value is None else (",".join(map(str, value)) or "—")
    click.echo(t(s.locale, "Reminders for %(id)s: %(days)s days before", id=milestone, days=shown))


@click.command(
    "ask",
    help="Hỏi về Kế hoạch như trong chat / ask about the plan as in chat. "
    "`parbot ask log --period Y`: câu hỏi Kế hoạch chưa trả lời / questions it did not answer.",
)
@click.argument("question")
@click.option("--period", "year", type=int, required=True, help="Năm đánh giá / assessed year.")
@click.option("--json", "as_json", is_flag=True, help="Xuất JSON / print JSON.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Ngày hỏi (mặc định: hôm nay) / the asking date.",
)
@click.option(
    "--board",
    type=click.Choice(["department", "commune"]),
    default=None,
    help="Hỏi như cán bộ của bảng này / ask as an officer of this board.",
)
def ask(question: str, year: int, as_json: bool, today: datetime | None, board: str | None) -> None:
    """``parbot ask log --period Y`` lists the questions the plan did not answer."""
    s = cli_settings()
    if question.strip().lower() == "log":
        _ask_log(s, year, as_json)
        return
    day: date = today.date() if today else datetime.now(UTC).astimezone(s.tz).date()
    _, rows, sections = run_db(s, lambda db: _stored_with_text(db, year))
    boards = {board} if board else set()
    rows = [x for x in rows if D.visible(x, boards, is_admin=False)]
    audience = board if board else "admins"
    ans = A.answer_for(s.locale, year, rows, question, day, audience, sections)
    text = plain(ans.text)
    if not as_json:
        click.echo(text)
        return
    click.echo(json.dumps(_answer_json(question, day, ans, text), ensure_ascii=False, indent=2))


def _answer_json(question: str, day: date, ans: A.DeadlineAnswer, text: str) -> dict[str, Any]:
    ms = ans.milestone
    data: dict[str, Any] = {
        "question": question,
        "today": day.isoformat(),
        "outcome": ans.outcome,
        "milestone": ms.key if ms else None,
        "text": text,
        "confidence": ans.confidence,
        "alternatives": [x.key for x in ans.alternatives],
        "other_year": ans.other_year,
        "quote": (
            {"section": ans.quote.number, "heading": ans.quote.heading, "text": ans.quote.sentence}
            if ans.quote
            else None
        ),
    }
    if ms is not None:
        data.update(
            {
                "title": ms.title,
                "kind": ms.kind,
                "start": ms.due_start.isoformat() if ms.due_start else None,
                "due": ms.due_end.isoformat(),
                "precision": ms.precision,
                "days_left": (ms.due_end - day).days,
                "lead": ms.lead,
                "coordinate": ms.coordinate,
                "source": ms.source,
            }
        )
    return data


async def _stored_with_text(db: Database, year: int) -> tuple[Any, list[Any], tuple[Any, ...]]:
    period, rows = await _stored(db, year)
    if period is None:
        return None, [], ()
    async with db.uow() as uow:
        stored = await uow.plan_text.sections(period.id)
    return period, rows, A.sections_of([(x.number, x.heading, x.sentences) for x in stored])


def _ask_log(s: Settings, year: int, as_json: bool) -> None:
    """The questions officers asked that the plan did not answer, newest first."""

    async def go(db: Database) -> list[Any] | None:
        async with db.uow() as uow:
            period = await uow.periods.get_by_year(year)
            return None if period is None else await uow.plan_text.questions(period.id)

    asked = run_db(s, go)
    if asked is None:
        click.echo(t(s.locale, "No period %(year)s.", year=year), err=True)
        sys.exit(1)
    if as_json:
        out = [
            {
                "text": q.text,
                "outcome": q.outcome,
                "asked_at": q.asked_at.isoformat(),
                "asker": q.asker,
            }
            for q in asked
        ]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(
        t(s.locale, "Questions the plan did not answer (%(year)s): %(n)s", year=year, n=len(asked))
    )
    for q in asked:
        when = q.asked_at.astimezone(s.tz).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{when} | {q.asker or '—'} | {q.outcome} | {q.text}")


def register(main: click.Group) -> None:
    main.add_command(plan_group)
    main.add_command(ask)
