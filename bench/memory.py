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
* ``peak``        – ``VmHWM``, the high-water mark of the whole run;
* ``documents``   – (``warm`` only) after an .xlsx export, a PDF check and a /rank chart: the
  document libraries (openpyxl, pypdf, pyHanko, matplotlib) load with the first file that
  needs them, not with the bot, and this line says what they add once they have.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from handlers.routes import build_registry

if TYPE_CHECKING:  # the child process stays light: bench.common is imported by run() only
    from bench.common import Config, Table
    from conversations.formats import Formats

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
        config = core_config(settings)
        chat = ChatEngine(lambda: UnitOfWork(sm), config, routes=build_registry())
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
        if mode == "warm":
            _use_the_document_libraries(config.formats)
            gc.collect()
            stages["documents"] = _status()["VmRSS"]
        await engine.dispose()
        print(json.dumps({"stages_kb": stages, "units": units, "standings_s": seconds}))

    event_loop.run(main(), "auto")  # the loop `parbot run` runs on (uvloop where installed)


def _use_the_document_libraries(formats: Formats | None) -> None:
    """One small file through each library the bot loads on demand."""
    import io
    import tempfile

    from conversations import tabular
    from conversations import workbook as wbm
    from conversations.charts import Bar
    from conversations.evidence_check import inspect_file

    assert formats is not None
    book = wbm.Workbook()
    tabular.put(book.create_sheet("Bảng"), 1, 1, "86,55")
    formats.sheets.save(book, io.BytesIO())
    verdict = inspect_file(
        _blank_pdf(), declared_name=None, declared_mime=None, signatures=formats.signatures
    )
    assert verdict.accepted, verdict
    formats.signatures.read(_blank_pdf(), (), datetime.now(UTC))  # pyHanko, as a signed PDF
    with tempfile.TemporaryDirectory() as folder:
        bars = [Bar(f"Xã {n}", 80.0 + n, f"{80 + n},00") for n in range(10)]
        formats.charts.compact_board_chart(Path(folder) / "c.png", bars, title="/rank", scale=100)


def _blank_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table, written by hand."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 4\n0000000000 65535 f \n"
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return pdf + b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref


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
        for label, v, a_target in (
            (f"{units:,} units ranked, standings() held — summaries current", warm["loaded"], True),
            ("  after releasing the standings (VmRSS)", warm["released"], True),
            ("  peak of that run (VmHWM)", warm["peak"], True),
            (
                f"cold: all {units:,} re-scored from their answers — peak (VmHWM)",
                cold["peak"],
                True,
            ),
            # reported, not a target: the target is the ranked state
            (
                "  then an .xlsx, a PDF check and a chart: document libraries loaded",
                warm["documents"],
                False,
            ),
        ):
            mb = v / MB
            held = gated and a_target
            table.add(
                Row(
                    f"{name}: {label}",
                    mb,
                    "MB",
                    base,
                    mb / base,
                    "< 200 MB" if held else "",
                    mb < target if held else None,
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
