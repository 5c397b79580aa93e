"""``python -m bench [--quick] [--only NAME[,NAME…]] [--no-pg] [--markdown FILE] [--keep] …``

Runs the benchmarks (all by default, in this order: broadcast, updates, ranking, memory) and prints
one table per benchmark: metric, value, baseline (measured in the same run), ratio, target,
pass/fail. ``--quick`` is a small smoke run (about a minute); the full run takes a few minutes
on 2 cores. The exit status is 0 even when targets are missed (benchmarks report, they do not
gate); it is 1 only when a benchmark could not run at all.

PostgreSQL (``updates``) uses ``PARBOT_BENCH_PG_URL`` or ``PARBOT_TEST_PG_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) only to create and drop its own temporary
database ``parbot_bench_<random>``; unreachable → that part is skipped with a note.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import common
from bench.common import Config, Table, machine_info, render_markdown, render_text, say

NAMES = ("broadcast", "updates", "ranking", "memory")


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these ({', '.join(NAMES)}); repeat or comma-separate",
    )
    p.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    p.add_argument("--pg-url", default=common.PG_ADMIN_URL, help="PostgreSQL admin URL")
    p.add_argument(
        "--time-scale", type=float, help="broadcast: emulator time scale (default: automatic)"
    )
    p.add_argument(
        "--concurrency",
        type=int,
        help="updates: officers acting at the same time (default 100, quick 25; 0 = all)",
    )
    p.add_argument(
        "--budget",
        type=float,
        help="updates: seconds after which no new walk starts (default 150, quick 60; 0 = none)",
    )
    p.add_argument(
        "--what-if",
        action="store_true",
        help="updates: also run parbot SQLite with the recommended fixes (bench/whatif.py)",
    )
    p.add_argument(
        "--compare-aiosqlite",
        action="store_true",
        help="updates: also run parbot SQLite on aiosqlite (PARBOT_SQLITE_DRIVER=aiosqlite)",
    )
    p.add_argument(
        "--compare-runtime",
        action="store_true",
        help="updates: also run parbot SQLite on aiogram (the default runtime is ptb)",
    )
    p.add_argument("--markdown", type=Path, help="also write the tables as Markdown to this file")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, databases)")
    p.add_argument("--workdir", type=Path, help="work directory (default: a new temporary one)")
    return p.parse_args(argv)


async def _run_one(name: str, cfg: Config, args: argparse.Namespace) -> list[Table]:
    if name == "broadcast":
        from bench import broadcast

        return await broadcast.run(cfg, time_scale=args.time_scale)
    if name == "updates":
        from bench import updates

        return await updates.run(
            cfg,
            concurrency=args.concurrency,
            what_if=args.what_if,
            budget=args.budget,
            compare_aiosqlite=args.compare_aiosqlite,
            compare_runtime=args.compare_runtime,
        )
    if name == "ranking":
        from bench import ranking

        return await ranking.run(cfg)
    from bench import memory

    return await memory.run(cfg)


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    only = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    unknown = [n for n in only if n not in NAMES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(NAMES)}")
        return 2
    names = [n for n in NAMES if not only or n in only]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="parbot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cfg = Config(quick=args.quick, workdir=workdir, pg_url=None if args.no_pg else args.pg_url)
    info = machine_info()
    load_before = os.getloadavg()
    print("parbot benchmarks" + (" (quick)" if args.quick else ""))
    for key, value in info.items():
        print(f"  {key}: {value}")
    print(f"  load average before: {' '.join(f'{x:.2f}' for x in load_before)}")
    tables: list[Table] = []
    broken: list[str] = []
    started = time.perf_counter()
    try:
        for name in names:
            say(f"{name}: start")
            try:
                got = asyncio.run(_run_one(name, cfg, args))
            except Exception:
                broken.append(name)
                traceback.print_exc()
                continue
            for table in got:
                print(render_text(table), flush=True)
            tables.extend(got)
    finally:
        if args.keep:
            print(f"\nwork directory kept: {workdir}")
        elif args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    total = time.perf_counter() - started
    load_after = os.getloadavg()
    failed = sum(t.failed for t in tables)
    passed = sum(1 for t in tables for r in t.rows if r.ok)
    summary = (
        f"\n{passed} targets met, {failed} missed"
        + (f", {len(broken)} benchmark(s) did not run: {', '.join(broken)}" if broken else "")
        + f"; total {total:.0f} s; load average after: "
        + " ".join(f"{x:.2f}" for x in load_after)
    )
    print(summary)
    if args.markdown:
        lines = ["## Machine", ""]
        lines += [f"* {k}: {v}" for k, v in info.items()]
        lines.append(
            f"* load average (1/5/15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}, "
            f"after: {' '.join(f'{x:.2f}' for x in load_after)}"
        )
        lines.append(f"* total wall time: {total:.0f} s")
        lines.append("")
        body = "\n".join(render_markdown(t) for t in tables)
        args.markdown.write_text("\n".join(lines) + "\n" + body + summary.strip() + "\n")
        print(f"markdown written to {args.markdown}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
