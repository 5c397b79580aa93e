"""Benchmark 4 — memory: resident size of a fresh bot process with 5,000 units loaded.

A child process (``python -m bench.memory --child DB_URL``) reads its own ``VmRSS`` from
``/proc/self/status`` at each stage and reports them as JSON:

* ``interpreter`` – right after start (Python alone);
* ``baseline``    – the bot process before loading: the runtime imported (``bot.runtime``, the
  aiogram adapter, the conversation core), database engine open, ``ChatEngine`` and the aiogram
  ``Bot`` built — what ``parbot run`` holds before any update;
* ``loaded``      – after the catalogs are parsed and ``standings()`` has been computed once for
  all 5,000 units (the result still referenced);
* ``released``    – after dropping that result (``gc.collect()``): what stays resident;
* ``peak``        – ``VmHWM``, the high-water mark of the whole run.

The database is the one of the ranking benchmark (5,000 units × 120 answers, SQLite).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

MB = 1024  # kB per MB


def _status() -> dict[str, int]:
    out: dict[str, int] = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(rest.split()[0])
    return out


def child(db_url: str, runtime: str, baseline_only: bool) -> None:
    stages: dict[str, int] = {"interpreter": _status()["VmRSS"]}

    import gc

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
        chat = ChatEngine(lambda: UnitOfWork(sm), core_config(settings))
        rt = Runtime(settings, "123456:BENCH")  # no network until it polls
        chat.files = rt.transport
        async with UnitOfWork(sm, read_only=True) as uow:  # the pool's first connection
            await uow.periods.latest()
        gc.collect()
        stages["baseline"] = _status()["VmRSS"]
        if baseline_only:
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

    asyncio.run(main())


async def run(cfg):  # type: ignore[no-untyped-def]
    from bench.common import Row, Table, say
    from bench.ranking import ranking_db

    units = 500 if cfg.quick else 5_000
    table = Table(f"4. Memory — bot process RSS with {units:,} units loaded")
    started = time.perf_counter()
    url, _ = await ranking_db(cfg, units)
    say(f"memory: measuring a fresh process with {units:,} units")
    report = await _child(url, "aiogram", False)
    say("memory: the same with the python-telegram-bot runtime (PARBOT_RUNTIME=ptb)")
    ptb = await _child(url, "ptb", False)
    kb = report["stages_kb"]
    base = kb["baseline"] / MB
    target = 200.0

    def add(metric: str, key: str, with_target: bool) -> None:
        v = kb[key] / MB
        table.add(
            Row(
                metric,
                v,
                "MB",
                base,
                v / base,
                "< 200 MB" if with_target else "",
                (v < target) if with_target else None,
                "before loading",
            )
        )

    table.add(Row("interpreter only (python started)", kb["interpreter"] / MB, "MB"))
    table.add(Row("baseline: bot process before loading (VmRSS)", base, "MB"))
    add(f"{report['units']:,} units loaded: standings() held (VmRSS)", "loaded", True)
    add("after releasing the standings (VmRSS)", "released", True)
    add("peak during the run (VmHWM)", "peak", True)
    pkb = ptb["stages_kb"]
    ptb_base = pkb["baseline"] / MB
    table.add(
        Row(
            "PARBOT_RUNTIME=ptb: before loading (VmRSS)",
            ptb_base,
            "MB",
            base,
            ptb_base / base,
            baseline_label="aiogram, before loading",
        )
    )
    for key, label in (
        ("loaded", "units loaded, standings() held (VmRSS)"),
        ("peak", "peak (VmHWM)"),
    ):
        v = pkb[key] / MB
        table.add(
            Row(
                f"PARBOT_RUNTIME=ptb: {label}",
                v,
                "MB",
                ptb_base,
                v / ptb_base,
                "< 200 MB",
                v < 200,
                "ptb, before loading",
            )
        )
    table.notes.append(
        f"standings() in the child took {report['standings_s']:.1f} s; RSS read from "
        "/proc/self/status inside a fresh `python -m bench.memory --child` process."
    )
    table.seconds = time.perf_counter() - started
    return [table]


async def _child(url: str, runtime: str, baseline_only: bool) -> dict:  # type: ignore[type-arg]
    args = ["-m", "bench.memory", "--child", url, runtime]
    if baseline_only:
        args.append("--baseline-only")
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
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], "--baseline-only" in sys.argv)
    else:
        print("usage: python -m bench.memory --child DB_URL aiogram|ptb [--baseline-only]")
        sys.exit(2)
