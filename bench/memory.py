"""Benchmark 4 — memory: resident size of a fresh bot process with 5,000 units loaded.

A child process (``python -m bench.memory --child DB_URL RUNTIME MODE``) reads its own ``VmRSS``
from ``/proc/self/status`` at each stage and reports them as JSON:

* ``interpreter`` – right after start (Python alone);
* ``baseline``    – the bot process before loading: the runtime imported (``bot.runtime``, the
  aiogram or python-telegram-bot adapter, the conversation core), database engine open,
  ``ChatEngine`` and the runtime built — what ``parbot run`` holds before any update;
* ``loaded``      – after ``standings()`` has run for all 5,000 units (the result still
  referenced);
* ``released``    – after dropping that result (``gc.collect()``): what stays resident;
* ``peak``        – ``VmHWM``, the high-water mark of the whole run.

MODE ``warm``: the units' stored result summaries are current (a running bot's usual state);
``cold``: they are deleted first, so every unit is re-scored from its 120 answers (after an
import or a scoring-formula change).  Both runtimes are measured in both modes.

The database is the one of the ranking benchmark (5,000 units × 120 answers, SQLite).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from handlers.routes import build_registry

if TYPE_CHECKING:  # the child process stays light: bench.common is imported by run() only
    from bench.common import Config, Table

MB = 1024  # kB per MB


def _status() -> dict[str, int]:
    out: dict[str, int] = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0])
    return out


def child(db_url: str, runtime: str, mode: str) -> None:
    stages: dict[str, int] = {"interpreter": _status()["VmRSS"]}

    import gc

    from sqlalchemy import text

    from bot import event_loop
    from bot.runtime import core_config  # the runtime, as `parbot run` imports it
    from bot.settings import load_settings
    from conversations import assessment as A
    from conversations import router, standing  # noqa: F401
    from conversations.engine import ChatEngine
    from storage.db import make_engine, make_sessionmaker
    from storage.uow import UnitOfWork

    if runtime == "ptb":
        from handlers.ptb_runtime import PtbRuntime as Runtime
    else:
        from handlers.aiogram_runtime import AiogramRuntime as Runtime  # type: ignore[assignment]

    async def main() -> None:
        settings = load_settings(
            bot_token="123456:BENCH",
            database_url=db_url,
            telegram_api="http://127.0.0.1:9",
            runtime=runtime,
        )
        engine = make_engine(db_url)
        sm = make_sessionmaker(engine)
        chat = ChatEngine(lambda: UnitOfWork(sm), core_config(settings), routes=build_registry())
        rt = Runtime(settings, "123456:BENCH")  # no network until it polls
        chat.files = rt.transport
        async with UnitOfWork(sm, read_only=True) as uow:  # the pool's first connection
            await uow.periods.latest()
        if mode == "cold":
            async with UnitOfWork(sm) as uow:
                await uow.session.execute(text("DELETE FROM unit_results"))
        gc.collect()
        stages["baseline"] = _status()["VmRSS"]
        if mode == "baseline":
            print(json.dumps({"stages_kb": stages, "units": 0, "standings_s": 0}))
            return
        t = time.perf_counter()
        async with UnitOfWork(sm, read_only=True) as uow:
            rows = await A.standings(uow, 2024)
        seconds = time.perf_counter() - t
        gc.collect()
        stages["loaded"] = _status()["VmRSS"]
        units = len(rows)
        del rows
        gc.collect()
        stages["released"] = _status()["VmRSS"]
        stages["peak"] = _status()["VmHWM"]
        await engine.dispose()
        print(json.dumps({"stages_kb": stages, "units": units, "standings_s": seconds}))

    event_loop.run(main(), "auto")  # the loop `parbot run` runs on (uvloop where installed)


async def run(cfg: Config) -> list[Table]:
    from bench.common import Row, Table, say
    from bench.ranking import ranking_db
    from bot.settings import Settings

    # the target is for the default PARBOT_RUNTIME; the other runtime is reported beside it
    default: str = Settings.model_fields["runtime"].default
    runtimes = (default, *(r for r in ("ptb", "aiogram") if r != default))

    units = 500 if cfg.quick else 5_000
    target = 200.0
    table = Table(f"4. Memory — bot process RSS with {units:,} units loaded")
    started = time.perf_counter()
    url, _ = await ranking_db(cfg, units)
    reports = {}
    for runtime in runtimes:
        for mode in ("cold", "warm"):  # cold first: it stores the summaries warm reads
            say(f"memory: a fresh {runtime} process, {mode}, {units:,} units")
            reports[runtime, mode] = await _child(url, runtime, mode)
    first = reports[default, "warm"]["stages_kb"]
    table.add(Row("interpreter only (python started)", first["interpreter"] / MB, "MB"))
    default_base = first["baseline"] / MB
    for runtime in runtimes:
        name = f"{runtime} (default)" if runtime == default else f"PARBOT_RUNTIME={runtime}"
        gated = runtime == default
        warm = reports[runtime, "warm"]["stages_kb"]
        cold = reports[runtime, "cold"]["stages_kb"]
        base = warm["baseline"] / MB
        table.add(
            Row(
                f"{name}: before loading (VmRSS)",
                base,
                "MB",
                default_base,
                base / default_base,
                "< 200 MB" if gated else "",
                base < target if gated else None,
                f"{default}, before loading",
            )
        )
        for label, v in (
            (f"{units:,} units ranked, standings() held — summaries current", warm["loaded"]),
            ("  after releasing the standings (VmRSS)", warm["released"]),
            ("  peak of that run (VmHWM)", warm["peak"]),
            (f"cold: all {units:,} re-scored from their answers — peak (VmHWM)", cold["peak"]),
        ):
            mb = v / MB
            table.add(
                Row(
                    f"{name}: {label}",
                    mb,
                    "MB",
                    base,
                    mb / base,
                    "< 200 MB" if gated else "",
                    mb < target if gated else None,
                    f"{runtime}, before loading",
                )
            )
    table.notes.append(
        "standings() in the child took "
        + ", ".join(f"{rt} {mode} {r['standings_s']:.1f} s" for (rt, mode), r in reports.items())
        + "; RSS read from /proc/self/status inside a fresh `python -m bench.memory --child` "
        "process per line pair; aiogram's own import is about 135 MB of its baseline "
        "(pydantic models of every Bot API type; upstream aiogram issue #1513), which is why "
        "ptb is the default runtime."
    )
    table.seconds = time.perf_counter() - started
    return [table]


async def _child(url: str, runtime: str, mode: str) -> dict:  # type: ignore[type-arg]
    args = ["-m", "bench.memory", "--child", url, runtime, mode]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"memory child failed: {err.decode()[-2000:]}")
    return json.loads(out.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        print("usage: python -m bench.memory --child DB_URL aiogram|ptb baseline|warm|cold")
        sys.exit(2)
