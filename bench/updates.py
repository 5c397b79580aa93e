"""Benchmark 2 — update throughput: officers walking through the full stack.

The driver process runs the Bot API emulator (flood control off) and N simulated officers; the
bot runs in its own process (``bench.botproc``): parbot's real runtime (``serve()``, ptb by default,
``per_chat_interval=0``) on SQLite, then on PostgreSQL, and — the baseline — a bare aiogram echo
bot on the same emulator, driven by the same number of messages and button presses, run before
and after parbot's phases and pooled (one short run of it drifted too much to divide by).

Every officer has an officer role on its own commune (sample catalog ``xa-mau-2024``), seeded
before the bot starts (not timed), and walks 7 steps, each waiting for the bot's answer before
the next (a closed loop)::

    /start → /score → press the first answer button → /score 5.1 → 45 → 50 → /progress

Latency = from the user's action (update queued in the emulator) to the moment the emulator
stores the expected bot message (or edit). Two phases per bot: *light* (5 officers at once, as
issue 19's latency target reads: latency without queueing) and *full* (all N officers at once:
throughput at saturation; latency then is mostly queueing, ≈ N ÷ throughput).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text as sql_text

from bench.common import (
    Config,
    PgUnavailable,
    Row,
    Table,
    local_postmaster,
    machine_cpu_seconds,
    percentile,
    proc_cpu_seconds,
    say,
    server_cpu_seconds,
    temp_pg_database,
)
from bench.emuhooks import BotMessageTap, Match, contains
from conversations import assessment as A
from emulator.server import BotApiEmulator
from emulator.state import Record
from scoring.catalog import sample_catalog_paths
from storage import migrate
from storage.db import make_engine, make_sessionmaker
from storage.uow import UnitOfWork

STEP_TIMEOUT = 120.0
# issue 19's latency target: p50 with 5 officers acting at once at most 2x the bare bot's
LIGHT_AT_ONCE = 5
LIGHT_P50_RATIO = 2.0
YEAR = 2024
# the engine's apologies (conversations.engine._sorry): a walk that gets one is broken at once
APOLOGIES = ("The service is busy right now", "Sorry, something went wrong")


@dataclass(frozen=True)
class Step:
    kind: str  # "text" | "press"
    text: str
    match: Match


def _first_answer_button(record: Record | None) -> str | None:
    for row in record.buttons if record else []:
        for b in row:
            data = b.get("callback_data") or ""
            if data.startswith("a:"):
                return data
    return None


PARBOT_WALK = [
    Step("text", "/start", contains("Chào mừng")),
    Step("text", "/score", contains("1.1.1.a ·")),
    Step("press", "a:", contains("Đã lưu 1.1.1.a")),
    Step("text", "/score 5.1", contains("5.1 ·")),
    Step("text", "45", contains("mẫu số")),
    Step("text", "50", contains("45/50")),
    Step("text", "/progress", contains("tiến độ")),
]
ECHO_WALK = [
    Step("text", "/start", contains("echo: /start")),
    Step("text", "/score", contains("echo: /score")),
    Step("press", "ok", contains("pressed ok")),
    Step("text", "/score 5.1", contains("echo: /score 5.1")),
    Step("text", "45", contains("echo: 45")),
    Step("text", "50", contains("echo: 50")),
    Step("text", "/progress", contains("echo: /progress")),
]


@dataclass
class PhaseResult:
    officers: int
    done: int = 0  # steps answered as expected
    failed: int = 0  # officers that stopped on a step without the expected answer
    apologies: int = 0  # ... because the bot answered with an apology (database busy, error)
    skipped: int = 0  # officers not started because the phase's time budget was spent
    latencies: list[float] = field(default_factory=list)
    by_step: dict[int, list[float]] = field(default_factory=dict)
    wall: float = 0.0
    bot_cpu: float = 0.0
    driver_cpu: float = 0.0
    server_cpu: float | None = None  # a local PostgreSQL server's processes, cores
    machine_busy: float = 0.0  # share of all cores busy during the phase
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.done / self.wall if self.wall else 0.0

    def p(self, q: float) -> float | None:
        v = percentile(self.latencies, q)
        return None if v is None else v * 1000

    @classmethod
    def pooled(cls, a: PhaseResult, b: PhaseResult) -> PhaseResult:
        """Two runs of the same phase as one: steps and wall time summed (the rate is their
        time-weighted mean), latencies together, CPU shares weighted by wall time."""
        wall = a.wall + b.wall

        def mean(x: float, y: float) -> float:
            return (x * a.wall + y * b.wall) / wall if wall else 0.0

        return cls(
            officers=a.officers + b.officers,
            done=a.done + b.done,
            failed=a.failed + b.failed,
            apologies=a.apologies + b.apologies,
            skipped=a.skipped + b.skipped,
            latencies=a.latencies + b.latencies,
            wall=wall,
            bot_cpu=mean(a.bot_cpu, b.bot_cpu),
            driver_cpu=mean(a.driver_cpu, b.driver_cpu),
            machine_busy=mean(a.machine_busy, b.machine_busy),
            problems=a.problems + b.problems,
        )


def _apology(record: Record) -> bool:
    return any(a in (record.plain or "") for a in APOLOGIES)


def _or_apology(match: Match) -> Match:
    """The step's expected reply, or an apology (which the walk then counts as a problem)."""
    return lambda r: match(r) or _apology(r)


async def _walk(
    emu: BotApiEmulator,
    tap: BotMessageTap,
    uid: int,
    steps: list[Step],
    out: PhaseResult,
) -> None:
    for n, step in enumerate(steps):
        fut = tap.expect(uid, _or_apology(step.match))
        if step.kind == "press":
            data = step.text
            if data == "a:":
                data = _first_answer_button(emu.last_bot_message(uid)) or "a:?"
            t0 = time.perf_counter()
            await emu.press(uid, data=data)
        else:
            t0 = time.perf_counter()
            await emu.send_text(uid, step.text)
        try:
            t1 = await asyncio.wait_for(fut, STEP_TIMEOUT)
        except TimeoutError:
            tap.cancel(uid)
            out.failed += 1
            last = emu.last_bot_message(uid)
            if len(out.problems) < 5:
                said = (last.plain or "")[:120] if last else "nothing"
                out.problems.append(f"user {uid} after {step.text!r}: bot said {said!r}")
            return
        last = emu.last_bot_message(uid)
        if last is not None and _apology(last) and not step.match(last):
            out.failed += 1
            out.apologies += 1
            if len(out.problems) < 5:
                out.problems.append(f"user {uid} after {step.text!r}: {(last.plain or '')[:80]!r}")
            return
        out.latencies.append(t1 - t0)
        out.by_step.setdefault(n, []).append(t1 - t0)
        out.done += 1


async def _phase(
    emu: BotApiEmulator,
    tap: BotMessageTap,
    ids: list[int],
    steps: list[Step],
    bot_pid: int,
    concurrency: int | None = None,
    budget: float | None = None,
    server_pid: int | None = None,
) -> PhaseResult:
    """Every officer in ``ids`` walks; at most ``concurrency`` of them at a time (None: all).
    After ``budget`` seconds no new walk starts (those under way finish). ``server_pid``: a
    local PostgreSQL postmaster whose CPU is measured too."""
    out = PhaseResult(len(ids))
    todo = list(reversed(ids))
    stop_at = time.perf_counter() + budget if budget else None

    async def worker() -> None:
        while todo:
            if stop_at is not None and time.perf_counter() > stop_at:
                out.skipped = len(todo)
                return
            await _walk(emu, tap, todo.pop(), steps, out)

    cpu0, me0 = proc_cpu_seconds(bot_pid), proc_cpu_seconds()
    server0 = server_cpu_seconds(server_pid) if server_pid else None
    busy0, total0 = machine_cpu_seconds()
    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(concurrency or len(ids), len(ids)))))
    out.wall = time.perf_counter() - t0
    out.bot_cpu = (proc_cpu_seconds(bot_pid) - cpu0) / out.wall
    out.driver_cpu = (proc_cpu_seconds() - me0) / out.wall
    busy1, total1 = machine_cpu_seconds()
    out.machine_busy = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
    server1 = server_cpu_seconds(server_pid) if server_pid else None
    if server0 is not None and server1 is not None:
        out.server_cpu = (server1 - server0) / out.wall
    return out


# ---------------------------------------------------------------------------------- seeding


async def seed(db_url: str, ids: list[int]) -> None:
    """Catalog, one commune per officer, people with an officer role (not timed)."""
    await migrate.upgrade(db_url)
    engine = make_engine(db_url)
    sm = make_sessionmaker(engine)
    try:
        async with UnitOfWork(sm) as uow:
            text = sample_catalog_paths()["xa-mau-2024"].read_text("utf-8")
            await A.import_catalog(uow, text, YEAR)
            csv = "code,name,board\n" + "".join(f"X{uid},UBND xã số {uid},commune\n" for uid in ids)
            await A.import_units(uow, csv, YEAR)
        async with UnitOfWork(sm) as uow:
            period = await A.get_period(uow, YEAR)
            units = {u.code: u.id for u in await uow.units.list_for_period(period.id)}
            for uid in ids:
                person = await uow.people.upsert(uid, uid, f"Cán bộ {uid}", language="vi")
                await uow.people.grant(person, "officer", units[f"X{uid}"])
        if engine.dialect.name == "postgresql":
            # A deployment's tables have planner statistics (autovacuum analyzes a table within
            # a minute of a bulk import); a database seeded a second ago has none, and then the
            # unit's item query starts from the catalog's items: 307 against 110 µs of server
            # CPU per call, measured 2026-12-07 (bench/RESULTS.md).
            async with engine.connect() as conn:
                await conn.execute(sql_text("ANALYZE"))
                await conn.commit()
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------------------- bot process


@contextlib.asynccontextmanager
async def bot_process(emu: BotApiEmulator, kind: str, log: Path, **extra: str):  # type: ignore[no-untyped-def]
    args = [sys.executable, "-m", "bench.botproc", kind, "--api", emu.base_url]
    args += ["--token", emu.token]
    for k, v in extra.items():
        args += [f"--{k}", v]
    polls = emu.core.updates.poll_generation  # bumped when a getUpdates call *starts*
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            *args, stdout=err, stderr=err, cwd=Path(__file__).resolve().parent.parent
        )
        try:
            deadline = time.monotonic() + 90
            while emu.core.updates.poll_generation <= polls:
                if proc.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{kind} bot did not start polling; see {log}")
                await asyncio.sleep(0.05)
            yield proc
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 30)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


def _log_problems(log: Path) -> int:
    try:
        text = log.read_text("utf-8", "replace")
    except OSError:
        return 0
    return sum(1 for line in text.splitlines() if line.startswith(("ERROR", "Traceback")))


async def _run_bot(
    emu: BotApiEmulator,
    kind: str,
    ids: Ids,
    steps: list[Step],
    log: Path,
    concurrency: int | None,
    budget: float | None,
    server_pid: int | None = None,
    **extra: str,
) -> BotResult:
    for uid in [ids.warm, *ids.light, *ids.full]:
        emu.user(uid, first_name=f"Cán bộ {uid}", language_code="vi")
    tap = BotMessageTap(emu).install()
    try:
        say(f"updates: starting the {kind} bot process {extra.get('what-if', '')}")
        async with bot_process(emu, kind, log, **extra) as proc:
            warm = await _phase(emu, tap, [ids.warm], steps, proc.pid)
            say(f"updates: {kind}: light load, {len(ids.light)} users, {LIGHT_AT_ONCE} at once")
            light = await _phase(emu, tap, ids.light, steps, proc.pid, LIGHT_AT_ONCE)
            say(
                f"updates: {kind}: full load, {len(ids.full):,} users, "
                f"{concurrency or len(ids.full):,} at once"
            )
            full = await _phase(
                emu, tap, ids.full, steps, proc.pid, concurrency, budget, server_pid
            )
            say(f"updates: {kind}: {full.done:,} updates in {full.wall:.1f} s; stopping the bot")
    finally:
        tap.uninstall()
    return BotResult(warm, light, full, _log_problems(log))


@dataclass
class Ids:
    warm: int
    light: list[int]
    full: list[int]

    @classmethod
    def block(cls, base: int, n_light: int, n: int) -> Ids:
        return cls(
            base,
            list(range(base + 1, base + 1 + n_light)),
            list(range(base + 10_000, base + 10_000 + n)),
        )

    @property
    def all(self) -> list[int]:
        return [self.warm, *self.light, *self.full]


@dataclass
class BotResult:
    warm: PhaseResult
    light: PhaseResult
    full: PhaseResult
    log_errors: int


# ---------------------------------------------------------------------------------- benchmark


def _rows(table: Table, label: str, got: BotResult, base: BotResult, load: Load) -> None:
    light, full = got.light, got.full
    r = full.rate / base.full.rate if base.full.rate else None
    table.add(
        Row(
            f"{label}: updates/s ({load.label})",
            full.rate,
            "upd/s",
            base.full.rate,
            r,
            "ratio ≥ 0.5",
            r is not None and r >= 0.5,
            "bare bot",
        )
    )
    for phase, base_phase, name in (
        (light, base.light, f"{min(LIGHT_AT_ONCE, light.officers)} at once"),
        (full, base.full, load.label),
    ):
        for q in (50, 99):
            v, b = phase.p(q), base_phase.p(q)
            ratio = (v / b) if v and b else None
            targeted = phase is light and q == 50
            table.add(
                Row(
                    f"{label}: p{q} latency ({name})",
                    v,
                    "ms",
                    b,
                    ratio,
                    f"ratio ≤ {LIGHT_P50_RATIO:g}" if targeted else "",
                    (ratio is not None and ratio <= LIGHT_P50_RATIO) if targeted else None,
                    baseline_label="bare bot",
                )
            )
    bad = light.failed + full.failed + got.warm.failed
    table.add(
        Row(
            f"{label}: walks broken (apology or no reply in {STEP_TIMEOUT:.0f} s)",
            bad,
            "count",
            target="= 0",
            ok=bad == 0,
        )
    )
    walked = full.officers - full.skipped
    if full.skipped:
        table.add(
            Row(
                f"{label}: officers who walked before the {load.budget:.0f} s budget ran out",
                walked,
                "count",
                full.officers,
                walked / full.officers,
                baseline_label="officers",
            )
        )
    apologies = light.apologies + full.apologies + got.warm.apologies
    table.notes.append(
        f"{label}: {full.done:,} updates in {full.wall:.1f} s ({walked:,} walks started); "
        f"{_cpu_shares(full)}; apologies ('service is busy'/'something "
        f"went wrong'): {apologies}; ERROR/Traceback "
        f"lines in the bot log: {got.log_errors}; first (cold) walk {got.warm.wall:.1f} s"
    )
    for p in (got.warm.problems + light.problems + full.problems)[:2]:
        table.notes.append(f"{label}: {p}")


def _cpu_shares(phase: PhaseResult) -> str:
    """Who used the machine's CPU during ``phase``, per core and per update: on a small
    machine the bot's throughput is capped by what the server and the driver leave it."""

    def share(cores: float) -> str:
        per_update = cores * phase.wall / max(phase.done, 1) * 1000
        return f"{cores:.0%} of one core ({per_update:.2f} ms/upd)"

    parts = [f"bot process {share(phase.bot_cpu)}", f"driver+emulator {share(phase.driver_cpu)}"]
    if phase.server_cpu is not None:
        parts.append(f"PostgreSQL server {share(phase.server_cpu)}")
    parts.append(f"machine {phase.machine_busy:.0%} busy ({os.cpu_count()} cores)")
    return "CPU: " + ", ".join(parts)


@dataclass
class Load:
    officers: int
    light: int
    concurrency: int | None
    budget: float | None

    @property
    def label(self) -> str:
        at_once = (
            "all at once"
            if not self.concurrency or self.concurrency >= self.officers
            else f"{self.concurrency} at once"
        )
        return f"{self.officers:,} officers, {at_once}"


async def _parbot_on(
    table: Table,
    emu: BotApiEmulator,
    label: str,
    url: str,
    data: Path,
    ids: Ids,
    load: Load,
    what_if: str = "",
    sqlite_driver: str = "",
    runtime: str = "ptb",
) -> BotResult:
    t = time.perf_counter()
    say(f"updates: seeding {label} ({len(ids.all):,} units and officers)")
    await seed(url, ids.all)
    table.notes.append(f"{label}: seeding (not timed) {time.perf_counter() - t:.1f} s")
    extra = {"db": url, "data": str(data), "runtime": runtime}
    if what_if:
        extra["what-if"] = what_if
    if sqlite_driver:
        extra["sqlite-driver"] = sqlite_driver
    log = data.parent / f"{data.name}.log"
    server = await local_postmaster(url) if url.startswith("postgresql") else None
    got = await _run_bot(
        emu, "parbot", ids, PARBOT_WALK, log, load.concurrency, load.budget, server, **extra
    )
    return got


async def _bare_bot(emu: BotApiEmulator, work: Path, load: Load, turn: int) -> BotResult:
    """The bare aiogram echo bot on the same walk (its ``turn``-th run, fresh officers)."""
    return await _run_bot(
        emu,
        "echo",
        Ids.block(300_000_000 + turn * 50_000, load.light, load.officers),
        ECHO_WALK,
        work / f"echo{turn}.log",
        load.concurrency,
        load.budget,
    )


def _baseline(table: Table, before: BotResult, after: BotResult, load: Load) -> BotResult:
    """The ratio's denominator for parbot's rows: the bare bot run before and after them,
    pooled. One 5-second run of it moved by up to a fifth between runs of the benchmark
    (bench/RESULTS.md, 15:10): two runs around the measured ones halve what drift and a lucky or
    unlucky few seconds do to every ratio."""
    base = BotResult(
        PhaseResult.pooled(before.warm, after.warm),
        PhaseResult.pooled(before.light, after.light),
        PhaseResult.pooled(before.full, after.full),
        before.log_errors + after.log_errors,
    )
    table.rows.insert(
        0,
        Row(
            f"bare aiogram echo bot: updates/s ({load.label}; runs before and after, pooled)",
            base.full.rate,
            "upd/s",
            target="baseline",
        ),
    )
    for name, got in (("before", before), ("after", after)):
        table.notes.append(
            f"bare bot, run {name} parbot's: {got.full.done:,} updates in {got.full.wall:.1f} s "
            f"({got.full.rate:,.0f} upd/s, p50 at {LIGHT_AT_ONCE} at once "
            f"{got.light.p(50) or 0:.2f} ms); {_cpu_shares(got.full)}"
        )
    return base


async def _parbot_phases(
    table: Table,
    emu: BotApiEmulator,
    work: Path,
    load: Load,
    cfg: Config,
    what_if: bool,
    compare_aiosqlite: bool,
    compare_runtime: bool,
) -> dict[str, BotResult]:
    """parbot on SQLite, on PostgreSQL (unless skipped) and the asked-for comparisons, in order."""
    n, n_light = load.officers, load.light
    got: dict[str, BotResult] = {}
    sqlite = work / "sqlite"
    got["parbot SQLite"] = await _parbot_on(
        table, emu, "parbot SQLite", f"sqlite+aiosqlite:///{sqlite / 'parbot.db'}", sqlite,
        Ids.block(400_000_000, n_light, n), load,
    )  # fmt: skip
    if compare_runtime:  # the other supported runtime, same code and database kind
        other = work / "sqlite-aiogram"
        got["parbot SQLite [aiogram runtime]"] = await _parbot_on(
            table, emu, "parbot SQLite [aiogram runtime]",
            f"sqlite+aiosqlite:///{other / 'parbot.db'}", other,
            Ids.block(420_000_000, n_light, n), load, runtime="aiogram",
        )  # fmt: skip
    if compare_aiosqlite:  # the SQLite driver before 2026-12-06, in the same run
        old = work / "sqlite-aiosqlite"
        got["parbot SQLite [aiosqlite]"] = await _parbot_on(
            table, emu, "parbot SQLite [aiosqlite]", f"sqlite+aiosqlite:///{old / 'parbot.db'}",
            old, Ids.block(450_000_000, n_light, n), load, sqlite_driver="aiosqlite",
        )  # fmt: skip
    if cfg.pg_url is None:
        table.notes.append("PostgreSQL skipped (--no-pg)")
    else:
        try:
            async with temp_pg_database(cfg.pg_url) as pg:
                got["parbot PostgreSQL"] = await _parbot_on(
                    table, emu, "parbot PostgreSQL", pg, work / "pg",
                    Ids.block(500_000_000, n_light, n), load,
                )  # fmt: skip
        except PgUnavailable as exc:
            table.notes.append(f"PostgreSQL skipped: {exc}")
    if what_if:
        for k, patches in enumerate(("no-gc-freeze",)):  # earlier ones are in the product
            d = work / f"whatif{k}"
            got[f"what-if SQLite [{patches}]"] = await _parbot_on(
                table, emu, f"what-if SQLite [{patches}]",
                f"sqlite+aiosqlite:///{d / 'parbot.db'}", d,
                Ids.block(600_000_000 + k * 100_000, n_light, n), load, patches,
            )  # fmt: skip
    return got


async def run(
    cfg: Config,
    *,
    concurrency: int | None = None,
    what_if: bool = False,
    budget: float | None = None,
    compare_aiosqlite: bool = False,
    compare_runtime: bool = False,
) -> list[Table]:
    load = Load(
        officers=50 if cfg.quick else 1_000,
        light=5 if cfg.quick else 20,  # walked 5 at once (LIGHT_AT_ONCE)
        concurrency=(25 if cfg.quick else 100) if concurrency is None else concurrency,
        budget=(60.0 if cfg.quick else 150.0) if budget is None else (budget or None),
    )
    table = Table(f"2. Update throughput — {load.label}, {len(PARBOT_WALK)} steps each, full stack")
    started = time.perf_counter()
    work = cfg.workdir / "updates"
    work.mkdir(parents=True, exist_ok=True)
    emu = BotApiEmulator(rate_limits=False)
    await emu.start()
    try:
        before = await _bare_bot(emu, work, load, 0)
        got = await _parbot_phases(
            table, emu, work, load, cfg, what_if, compare_aiosqlite, compare_runtime
        )
        after = await _bare_bot(emu, work, load, 1)
    finally:
        await emu.stop()
    base = _baseline(table, before, after, load)
    for label, result in got.items():
        _rows(table, label, result, base, load)
    table.notes.append(
        f"walk: {' → '.join(s.text for s in PARBOT_WALK)}; the bare bot gets the same texts and "
        "presses; one cold walk first (not counted); latency = user action → the expected bot "
        "message stored by the emulator; updates/s = answered steps ÷ wall time of the phase"
        + (f"; no new walk starts after {load.budget:.0f} s" if load.budget else "")
        + "."
    )
    if what_if:
        table.notes.append(
            "what-if rows: the bot process is monkeypatched by bench/whatif.py (not the product)."
        )
    table.seconds = time.perf_counter() - started
    return [table]
