"""Reminders (đôn đốc): deadline reminders and overdue notices, written to the outbox.

``run_reminders(uow_factory, today=…, now=…)`` is the whole job and takes the clock as
arguments, so tests fix the date and never sleep. ``install`` schedules it at 08:00 local time
on working days (Mon–Fri, PARBOT_TIMEZONE) and once at start-up during working hours, to catch
up after downtime.

What goes out, per milestone of the plan:

* **self-assessment** (kind ``self_assessment``): 7, 3 and 1 days before and on the day (or
  the milestone's own ``reminder_days``) to the officers and leaders of every unit concerned
  (its board, per the milestone's audience) that has not submitted (submission status not
  submitted/appraised/published), saying what is due, when, and what the unit still lacks
  (criteria not scored, criteria claiming points without evidence or explanation). After the
  deadline, one overdue notice to the unit's leaders and one list of the late units to the
  admins (Phòng Nội vụ), for up to ``OVERDUE_WINDOW`` days.
* **other unit steps** (kind ``other`` for departments/communes/all): the same days, to the
  units' officers and leaders, without a status (the bot cannot know if they did it).
* **organisers' steps** (audience ``admins``: survey, appraisal, publication …): 3 days
  before and on the day, to the admins only, gathered into one to-do list per admin
  ("Việc của Phòng Nội vụ") rather than one message per step. Units never hear of them, and
  they get no overdue notices (nobody else can act on them).
* survey/appraisal/publication steps addressed to units get nothing unless the milestone has
  explicit ``reminder_days``; an empty list switches a milestone's reminders (and overdue
  notices) off.

Every message is an outbox row with a deterministic key
(``remind:{year}:{milestone}:{days}:{person}:{unit}``, ``overdue:{year}:{milestone}:…``,
``todo:{person}:{digest of the steps and their days}``), so a
second run, or a run after a restart, never doubles anything. After downtime only the latest
reminder that is due goes out (its text counts the real days left), and a newer reminder
withdraws an older one still waiting in the outbox, so nobody gets a burst of stale ones.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from conversations import reply_json
from conversations.context import Ctx
from conversations.deadline_text import left_in, title_in, when_in
from conversations.i18n import fmt_date, th
from conversations.markup import Html, esc, fmt, join_lines
from conversations.replies import Reply
from conversations.unitview import UnitView, load_view
from storage.repositories.rows import PersonRow, UnitRow
from storage.repositories.rows_plan import MilestoneRow
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_DAYS: tuple[int, ...] = (7, 3, 1, 0)
ORGANISER_DAYS: tuple[int, ...] = (3, 0)
OVERDUE_WINDOW = 14  # days after a deadline during which the overdue notice still goes out
DONE = frozenset({"submitted", "appraised", "published"})
RUN_AT = time(8, 0)
WORKDAY_END = time(18, 0)  # a start-up catch-up later than this waits for the next 08:00 run
SUPERSEDED = "superseded by a newer reminder"

UowFactory = Callable[[], UnitOfWork]


# ------------------------------------------------------------------ what is due when


def unit_facing(ms: MilestoneRow) -> bool:
    """Units act on it; the organisers' own steps (audience ``admins``) are the admins' alone,
    whatever their kind."""
    return ms.audience != "admins"


def reminder_days(ms: MilestoneRow) -> tuple[int, ...]:
    """Days before the deadline to remind, largest first (empty: no reminders)."""
    if ms.reminder_days is not None:
        days = {d for d in ms.reminder_days if isinstance(d, int) and not isinstance(d, bool)}
        return tuple(sorted((d for d in days if d >= 0), reverse=True))
    if ms.kind == "self_assessment":
        return DEFAULT_DAYS
    if ms.audience == "admins":
        return ORGANISER_DAYS
    if ms.kind == "other":
        return DEFAULT_DAYS
    return ()


def due_offset(days: Sequence[int], left: int) -> int | None:
    """The latest reminder due with ``left`` days to go: the smallest offset ≥ ``left``.

    None before the first reminder and after the deadline. After downtime this skips the
    reminders that were missed: only the latest one goes out.
    """
    if left < 0:
        return None
    due = [d for d in days if d >= left]
    return min(due) if due else None


def boards_of(ms: MilestoneRow) -> tuple[str, ...]:
    if ms.audience in ("department", "commune"):
        return (ms.audience,)
    return ("department", "commune")


def is_working_time(local: datetime) -> bool:
    """Mon–Fri between 08:00 and 18:00 (local time)."""
    return local.weekday() < 5 and RUN_AT <= local.time() < WORKDAY_END


# ------------------------------------------------------------------ planning


@dataclass(frozen=True)
class Planned:
    """One outbox row to write; ``supersedes`` are older keys it replaces if still pending."""

    key: str
    person_id: int
    chat_id: int
    text: str
    supersedes: tuple[str, ...] = ()
    todo: tuple[str, ...] = ()  # the admin's to-do items it lists ("year:milestone:days")


@dataclass
class RunReport:
    queued: list[str] = field(default_factory=list)
    already: int = 0  # keys that were in the outbox already (an earlier run)
    superseded: int = 0  # older pending reminders withdrawn

    def __str__(self) -> str:
        return (
            f"{len(self.queued)} queued, {self.already} already queued, "
            f"{self.superseded} superseded"
        )


class _UowOnly:
    """What ``unitview.load_view`` reads from a Ctx: the unit of work, and no header revision
    (so the unit header is read from the database, never from a per-process cache)."""

    header_rev: int | None = None

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow


@dataclass
class _Unit:
    unit: UnitRow
    status: str
    view: UnitView | None
    officers: list[PersonRow]
    leaders: list[PersonRow]

    @property
    def done(self) -> bool:
        return self.status in DONE

    def people(self) -> list[tuple[PersonRow, str]]:
        """(person, role) once each; someone who is both answers as the officer."""
        seen: set[int] = set()
        out: list[tuple[PersonRow, str]] = []
        for role, people in (("officer", self.officers), ("leader", self.leaders)):
            for p in people:
                if p.id not in seen:
                    seen.add(p.id)
                    out.append((p, role))
        return out


def _reachable(people: list[PersonRow]) -> list[PersonRow]:
    return [p for p in people if p.unreachable_at is None]


class _Planner:
    def __init__(self, uow: UnitOfWork, today: date, default_locale: str) -> None:
        self.uow = uow
        self.today = today
        self.default_locale = default_locale
        self._units: dict[int, list[_Unit]] = {}
        self._admins: list[PersonRow] | None = None
        self._years: dict[int, int] = {}
        self.withdraw: list[str] = []  # stale reminders to take out of the outbox

    def loc(self, person: PersonRow) -> str:
        return person.language or self.default_locale

    async def year(self, period_id: int) -> int:
        if period_id not in self._years:
            period = await self.uow.periods.get(period_id)
            self._years[period_id] = period.year if period else period_id
        return self._years[period_id]

    async def units(self, period_id: int) -> list[_Unit]:
        if period_id not in self._units:
            subs = await self.uow.submissions.list_for_period(period_id)
            out = []
            for unit in await self.uow.units.list_for_period(period_id):
                sub = subs.get(unit.id)
                with_role = self.uow.people.with_role
                officers = await with_role("officer", unit.id, include_all_units=False)
                leaders = await with_role("leader", unit.id, include_all_units=False)
                if not officers and not leaders:
                    out.append(_Unit(unit, sub.status if sub else "draft", None, [], []))
                    continue
                view = await load_view(cast(Ctx, _UowOnly(self.uow)), unit.id)
                out.append(
                    _Unit(
                        unit,
                        sub.status if sub else "draft",
                        view,
                        _reachable(officers),
                        _reachable(leaders),
                    )
                )
            self._units[period_id] = out
        return self._units[period_id]

    async def admins(self) -> list[PersonRow]:
        if self._admins is None:
            self._admins = _reachable(await self.uow.people.admins())
        return self._admins

    async def plan(self) -> list[Planned]:
        out: list[Planned] = []
        todo: list[tuple[MilestoneRow, int, int]] = []  # the admins' own steps due a reminder
        start = self.today - timedelta(days=OVERDUE_WINDOW)
        for ms in await self.uow.milestones.due_between(start, self.today + timedelta(days=400)):
            days = reminder_days(ms)
            if ms.reminder_days is not None and not days:
                continue  # switched off, overdue notices included
            left = (ms.due_end - self.today).days
            year = await self.year(ms.period_id)
            if left < 0:
                if ms.kind == "self_assessment" and unit_facing(ms):
                    out += await self.overdue(ms, year, days)
                continue
            offset = due_offset(days, left)
            if offset is None:
                continue
            older = tuple(d for d in days if d > offset)
            if unit_facing(ms):
                out += await self.unit_reminders(ms, year, offset, older)
            else:
                todo.append((ms, year, offset))
        if todo:
            out += await self.organiser_todo(todo)
        return out

    # -- the texts ---------------------------------------------------------------------------

    def lacking(self, loc: str, u: _Unit) -> Html | None:
        """ "Still to do: 14 criteria not scored, 5 criteria without evidence …" or None."""
        if u.view is None:
            return None
        missing = u.view.result().unanswered  # the count /progress and /rank show
        risky = len(u.view.at_risk())
        parts = []
        if missing:
            parts.append(th(loc, "%(n)s criteria not scored", n=missing))
        if risky:
            parts.append(th(loc, "%(n)s criteria without evidence or explanation", n=risky))
        if not parts:
            return th(loc, "All criteria are answered; only the submission is missing.")
        return th(loc, "Still to do: %(what)s.", what=join_lines(parts, ", "))

    def unit_text(self, loc: str, ms: MilestoneRow, u: _Unit, role: str) -> str:
        lines: list[str] = [
            th(loc, "⏰ <b>Reminder: %(title)s</b>", title=esc(title_in(loc, ms))),
            fmt(
                "%(when)s — %(left)s",
                when=when_in(loc, ms),
                left=left_in(loc, ms.due_end, self.today),
            ),
            th(loc, "Unit: %(unit)s", unit=esc(u.unit.name)),
        ]
        if ms.kind == "self_assessment":
            lack = self.lacking(loc, u)
            if lack:
                lines.append(lack)
        elif ms.lead:
            lines.append(th(loc, "Responsible: %(lead)s", lead=esc(ms.lead)))
        if ms.source:
            lines.append(th(loc, "Plan: “%(source)s”", source=esc(ms.source[:300])))
        if ms.kind == "self_assessment":
            lines.append(
                th(loc, "Tap 📝 Score to continue, then /submit.")
                if role == "officer"
                else th(loc, "Tap 📊 Progress to follow your unit's self-assessment.")
            )
        return join_lines(lines)

    # -- who gets what -----------------------------------------------------------------------

    async def unit_reminders(
        self, ms: MilestoneRow, year: int, offset: int, older: tuple[int, ...]
    ) -> list[Planned]:
        out = []
        boards = boards_of(ms)
        for u in await self.units(ms.period_id):
            if u.unit.board not in boards:
                continue
            if ms.kind == "self_assessment" and u.done:
                continue
            for person, role in u.people():
                tail = f"{person.id}:{u.unit.id}"
                out.append(
                    Planned(
                        f"remind:{year}:{ms.key}:{offset}:{tail}",
                        person.id,
                        person.chat_id,
                        self.unit_text(self.loc(person), ms, u, role),
                        tuple(f"remind:{year}:{ms.key}:{d}:{tail}" for d in older),
                    )
                )
        return out

    async def organiser_todo(self, items: list[tuple[MilestoneRow, int, int]]) -> list[Planned]:
        """One "Việc của Phòng Nội vụ" list per admin of the organisers' steps due a reminder.

        Each list records the steps (with their reminder days) it carries; a run only sends a
        new list when a step is due that no earlier list carried, so re-runs, restarts and a
        step leaving the list send nothing, while a newly due step sends the whole list again.
        """
        tags = tuple(f"{year}:{ms.key}:{offset}" for ms, year, offset in items)
        digest = hashlib.sha256(",".join(tags).encode()).hexdigest()[:16]
        out = []
        for person in await self.admins():
            sent: set[str] = set()
            for payload in await self.uow.outbox.payloads_by_key_prefix(f"todo:{person.id}:"):
                sent.update(reply_json.todo_of(payload))
            if set(tags) <= sent:
                continue
            loc = self.loc(person)
            lines = [th(loc, "📋 <b>Phòng Nội vụ's to-do</b>")]
            for ms, _, _ in items:
                lines.append(
                    fmt(
                        "• <b>%(title)s</b> — %(when)s (%(left)s)",
                        title=title_in(loc, ms),
                        when=when_in(loc, ms),
                        left=left_in(loc, ms.due_end, self.today),
                    )
                )
                if ms.lead:
                    lines.append("  " + th(loc, "Responsible: %(lead)s", lead=ms.lead))
            lines.append(th(loc, "Type /deadlines for the whole plan."))
            key = f"todo:{person.id}:{digest}"
            out.append(Planned(key, person.id, person.chat_id, join_lines(lines), todo=tags))
        return out

    async def overdue(self, ms: MilestoneRow, year: int, days: tuple[int, ...]) -> list[Planned]:
        out = []
        boards = boards_of(ms)
        late = [u for u in await self.units(ms.period_id) if u.unit.board in boards and not u.done]
        for u in late:
            stale_for = {p.id for p, _ in u.people()}
            for person in u.leaders:
                loc = self.loc(person)
                lines: list[str] = [
                    th(loc, "⚠️ <b>Overdue: %(title)s</b>", title=esc(title_in(loc, ms))),
                    th(
                        loc,
                        "The deadline was %(date)s and %(unit)s has not submitted its "
                        "self-assessment.",
                        date=fmt_date(ms.due_end, loc),
                        unit=esc(u.unit.name),
                    ),
                ]
                lack = self.lacking(loc, u)
                if lack:
                    lines.append(lack)
                lines.append(
                    th(loc, "Only Phòng Nội vụ can reopen the unit now; please contact them.")
                )
                tail = f"{person.id}:{u.unit.id}"
                out.append(
                    Planned(
                        f"overdue:{year}:{ms.key}:{tail}",
                        person.id,
                        person.chat_id,
                        join_lines(lines),
                        tuple(f"remind:{year}:{ms.key}:{d}:{tail}" for d in days),
                    )
                )
                stale_for.discard(person.id)
            # officers get no overdue notice; their reminders still waiting are stale now
            for pid in stale_for:
                tail = f"{pid}:{u.unit.id}"
                self.withdraw += [f"remind:{year}:{ms.key}:{d}:{tail}" for d in days]
        if late:
            for person in await self.admins():
                loc = self.loc(person)
                lines = [
                    th(loc, "⚠️ <b>Overdue: %(title)s</b>", title=esc(title_in(loc, ms))),
                    th(
                        loc,
                        "Deadline %(date)s: %(n)s units have not submitted:",
                        date=fmt_date(ms.due_end, loc),
                        n=len(late),
                    ),
                ]
                for u in late[:40]:
                    lines.append(fmt("• %(unit)s", unit=u.unit.name))
                if len(late) > 40:
                    lines.append("…")
                out.append(
                    Planned(
                        f"overdue:{year}:{ms.key}:{person.id}",
                        person.id,
                        person.chat_id,
                        join_lines(lines),
                    )
                )
        return out


async def plan_reminders(
    uow: UnitOfWork, today: date, default_locale: str
) -> tuple[list[Planned], list[str]]:
    """The messages due on ``today``, and the keys of stale reminders to withdraw."""
    planner = _Planner(uow, today, default_locale)
    planned = await planner.plan()
    return planned, planner.withdraw


async def run_reminders(
    uow_factory: UowFactory, *, today: date, now: datetime, default_locale: str = "vi"
) -> RunReport:
    """Queue the reminders due on ``today`` (local date) with ``not_before = now``.

    Idempotent: a second run the same day, or a run after a restart, queues nothing new.
    """
    report = RunReport()
    async with uow_factory() as uow:
        planned, withdraw = await plan_reminders(uow, today, default_locale)
        report.superseded += await uow.outbox.withdraw_pending(withdraw, SUPERSEDED)
        for p in planned:
            queued = await uow.outbox.enqueue(
                p.key,
                p.chat_id,
                reply_json.encode(Reply(p.text), todo=p.todo),
                person=p.person_id,
                not_before=now,
            )
            if queued:
                report.queued.append(p.key)
                report.superseded += await uow.outbox.withdraw_pending(p.supersedes, SUPERSEDED)
            else:
                report.already += 1
    log.info("reminders for %s: %s", today.isoformat(), report)
    return report


# ------------------------------------------------------------------ scheduling


def install(
    scheduler: Any, uow_factory: UowFactory, settings: Any, *, now: datetime | None = None
) -> None:
    """The 08:00 working-day job, plus a catch-up run now if it is working time."""
    from apscheduler.triggers.cron import CronTrigger

    tz = settings.tz

    async def job() -> None:
        at = datetime.now(UTC)
        try:
            await run_reminders(
                uow_factory,
                today=at.astimezone(tz).date(),
                now=at,
                default_locale=settings.locale,
            )
        except Exception:  # a bad day must not stop tomorrow's run
            log.exception("reminder run failed")

    scheduler.add_job(
        job,
        CronTrigger(day_of_week="mon-fri", hour=RUN_AT.hour, minute=RUN_AT.minute, timezone=tz),
        id="reminders",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
        misfire_grace_time=3600,
    )
    started = now or datetime.now(UTC)
    if is_working_time(started.astimezone(tz)):
        scheduler.add_job(
            job,
            "date",
            run_date=started,
            id="reminders_catch_up",
            max_instances=1,
            replace_existing=True,
            misfire_grace_time=600,
        )
