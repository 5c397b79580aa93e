"""What every benchmark shares: result tables, machine facts, timers, RSS, temporary databases."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import platform
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PG_ADMIN_URL = os.environ.get(
    "PARBOT_BENCH_PG_URL",
    os.environ.get("PARBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)


@dataclass
class Config:
    quick: bool = False
    workdir: Path = Path("/tmp")
    pg_url: str | None = PG_ADMIN_URL  # None: skip PostgreSQL
    verbose: bool = False


# ---------------------------------------------------------------------------------- tables


@dataclass
class Row:
    """One line of a result table. ``ok`` None = informational (no target)."""

    metric: str
    value: float | None
    unit: str = ""
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    baseline_label: str = ""


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if r.ok is False)


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    if unit in ("", "count", "rows", "msgs", "updates") and float(value).is_integer():
        text = f"{int(value):,}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".strip() if unit not in ("", "count") else text


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "FAIL")


def _cells(r: Row) -> list[str]:
    base = fmt(r.baseline, r.unit) if r.baseline is not None else ""
    if r.baseline_label:
        base = f"{base} ({r.baseline_label})" if base else r.baseline_label
    ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
    value = fmt(r.value, r.unit)
    return [r.metric, value, base or "—", ratio or "—", r.target or "—", _verdict(r.ok)]


HEADER = ["metric", "value", "baseline", "ratio", "target", "pass/fail"]


def render_text(table: Table) -> str:
    rows = [HEADER] + [_cells(r) for r in table.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    line = "  ".join("-" * w for w in widths)
    out = [f"\n== {table.title}  ({table.seconds:.1f} s)", line]
    for n, row in enumerate(rows):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            out.append(line)
    out.extend(f"  * {note}" for note in table.notes)
    return "\n".join(out)


def render_markdown(table: Table) -> str:
    out = [f"### {table.title}", "", "| " + " | ".join(HEADER) + " |"]
    out.append("|" + "|".join("---" for _ in HEADER) + "|")
    for r in table.rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |")
    out.append("")
    out.extend(f"* {note}" for note in table.notes)
    out.append(f"* wall time of this benchmark: {table.seconds:.1f} s")
    return "\n".join(out) + "\n"


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline


# ---------------------------------------------------------------------------------- machine


def machine_info() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    mem = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "cpu": cpu,
        "cores": f"{usable} usable ({os.cpu_count()} online)",
        "memory": mem,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench", *sys.argv[1:]]),
    }


# ---------------------------------------------------------------------------------- numbers


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS / VmHWM / VmSize in kB from /proc/<pid>/status."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "VmSize"):
            out[key] = int(rest.split()[0])
    return out


def proc_cpu_seconds(pid: int | str = "self") -> float:
    """user + system CPU seconds of a process (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, all cores (first line of /proc/stat):
    a phase's share of busy time says whether the bot waited for CPU its neighbours held."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / ticks, sum(values[:8]) / ticks


def server_cpu_seconds(postmaster: int) -> float | None:
    """CPU seconds of a local PostgreSQL server: the postmaster, its live processes (backends,
    WAL writer, checkpointer, autovacuum) and those already reaped (the postmaster's cutime and
    cstime). ``None`` when /proc does not show them (another user's server, another machine)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        own = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    total = sum(int(v) for v in own[11:15])  # utime, stime, cutime, cstime
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile: counted in the postmaster's cutime
        if int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


async def local_postmaster(url: str) -> int | None:
    """The PID of the postmaster serving ``url`` when it runs on this machine, else ``None``."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.host not in (None, "", "localhost", "127.0.0.1", "::1"):
        return None
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=10)
    try:  # read while the backend lives: its parent is the postmaster
        backend = int(await conn.fetchval("SELECT pg_backend_pid()"))
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    finally:
        await conn.close()
    return int(fields[1])


# ---------------------------------------------------------------------------------- PostgreSQL


class PgUnavailable(RuntimeError):
    pass


@contextlib.asynccontextmanager
async def temp_pg_database(admin_url: str) -> AsyncIterator[str]:
    """A fresh database ``parbot_bench_<random>`` on the server of ``admin_url``; dropped after."""
    import asyncpg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"parbot_bench_{uuid.uuid4().hex[:12]}"
    try:
        conn = await asyncpg.connect(dsn, timeout=10)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise PgUnavailable(f"PostgreSQL not reachable: {exc!r}") from exc
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


# ---------------------------------------------------------------------------------- progress

_T0 = __import__("time").perf_counter()
QUIET = False


def say(message: str) -> None:
    """A progress line on stderr (the tables go to stdout)."""
    if not QUIET:
        elapsed = __import__("time").perf_counter() - _T0
        print(f"[bench {elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)
