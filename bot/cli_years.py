"""`parbot period new`, `parbot catalog diff`, `parbot catalog mapping …`: one year to the next.

Registered by ``bot.cli`` (``register(main)``); same conventions as the rest of the CLI.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from bot.cli_common import cli_settings, fail, read_text, run_db
from conversations import assessment as A
from conversations import newyear as N
from conversations.i18n import t
from scoring import catalog_diff as D
from scoring.catalog import Catalog, CatalogError
from scoring.catalog_loader import load_catalog


def _mapping_fail(s: Any, err: D.MappingError, header: str) -> None:
    fail([t(s.locale, p.message, **p.params) for p in err.problems], header)


@click.group("period", help="Kỳ đánh giá (năm) / assessment periods (years).")
def period_group() -> None:
    pass


@period_group.command("new", help="Mở năm mới từ năm trước / start a year from the last one.")
@click.argument("year", type=int)
@click.option("--from", "from_year", type=int, required=True, help="Năm trước / previous year.")
@click.option(
    "--catalog",
    "catalog_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Bộ chỉ số mới thay cho bộ cũ / a new catalog instead of last year's.",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Tệp ánh xạ tiêu chí đã kiểm tra / checked criteria mapping file.",
)
def period_new(
    year: int, from_year: int, catalog_file: str | None, mapping_file: str | None
) -> None:
    s = cli_settings()
    cat_text = read_text(catalog_file) if catalog_file else None
    map_text = read_text(mapping_file) if mapping_file else None

    async def go(db: Any) -> N.CopyReport:
        async with db.uow() as uow:
            return await N.new_period(
                uow,
                year,
                from_year,
                now=datetime.now(UTC),
                catalog_text=cat_text,
                mapping_text=map_text,
            )

    head = t(s.locale, "Nothing was copied:")
    try:
        r = run_db(s, go)
    except (A.NotFound, N.PeriodNotEmpty) as err:
        fail([t(s.locale, err.message, **err.params)], head)
        return
    except CatalogError as err:
        fail([p.render(lambda m: t(s.locale, m)) for p in err.problems], head)
        return
    except A.RowsRejected as err:
        fail([p.render(lambda m: t(s.locale, m)) for p in err.problems], head)
        return
    except D.MappingError as err:
        _mapping_fail(s, err, head)
        return
    _print_report(s.locale, r)


def _print_report(loc: str, r: N.CopyReport) -> None:
    click.echo(t(loc, "Year %(year)s started from %(from)s:", year=r.year, **{"from": r.from_year}))
    if r.catalog_imported:
        click.echo("  " + t(loc, "catalog imported: %(id)s", id=r.catalog_imported))
    if r.catalogs_copied or not r.catalog_imported:
        copied = ", ".join(r.catalogs_copied) or "—"
        click.echo("  " + t(loc, "catalogs copied: %(ids)s", ids=copied))
    click.echo("  " + t(loc, "units copied: %(n)s", n=r.units))
    click.echo(
        "  " + t(loc, "roles moved to the new units: %(n)s (%(p)s people)", n=r.roles, p=r.people)
    )
    click.echo("  " + t(loc, "appraiser assignments copied: %(n)s", n=r.assignments))
    click.echo("  " + t(loc, "invites, answers and evidence are not copied"))
    if r.mapping == "computed":
        click.echo(
            t(
                loc,
                "Check the criteria mapping: parbot catalog diff %(old)s %(new)s --out "
                "mapping.yaml, "
                "correct it, then parbot catalog mapping import mapping.yaml --period %(new)s",
                old=r.from_year,
                new=r.year,
            )
        )


# ------------------------------------------------------------------ catalog diff / mapping

YEAR = re.compile(r"^\d{4}$")


async def _side(uow: Any, arg: str) -> tuple[dict[str, Catalog], int | None]:
    if YEAR.match(arg) and not Path(arg).exists():
        period = await A.get_period(uow, int(arg))
        return await N.period_catalogs(uow, period), period.year
    cat = load_catalog(read_text(arg))
    return {cat.id: cat}, None


@click.command("diff", help="So sánh hai Bộ chỉ số, ghi tệp ánh xạ / compare two catalogs.")
@click.argument("old")
@click.argument("new")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None, help="Tệp YAML.")
def catalog_diff(old: str, new: str, out: str | None) -> None:
    """OLD and NEW are catalog files or years (the catalogs imported for that period)."""
    s = cli_settings()

    async def go(db: Any) -> tuple[str, list[D.PairMapping]]:
        async with db.uow() as uow:
            old_cats, old_year = await _side(uow, old)
            new_cats, new_year = await _side(uow, new)
        pairs = D.pair_by_board(list(old_cats.values()), list(new_cats.values()))
        if len(old_cats) == len(new_cats) == 1 and not pairs:
            pairs = [(next(iter(old_cats.values())), next(iter(new_cats.values())))]
        mapped = [D.diff(o, n) for o, n in pairs]
        text = D.dump(mapped, old_cats, new_cats, from_year=old_year, to_year=new_year)
        return text, mapped

    try:
        text, mapped = run_db(s, go)
    except CatalogError as err:
        fail([p.render(lambda m: t(s.locale, m)) for p in err.problems], t(s.locale, "No diff:"))
        return
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "No diff:"))
        return
    if out is None:
        click.echo(text, nl=False)
        return
    Path(out).write_text(text, encoding="utf-8")
    click.echo(t(s.locale, "Mapping written to %(file)s.", file=out))
    for pair in mapped:
        counts = {k: sum(1 for x in pair.links if x.match == k) for k in D.MATCHES}
        changed = sum(1 for x in pair.links if x.max_changed)
        shown = ", ".join(f"{k} {n}" for k, n in counts.items() if n)
        click.echo(f"  {pair.old_catalog} → {pair.new_catalog}: {shown}; max ≠ {changed}")


@click.group("mapping", help="Ánh xạ tiêu chí giữa hai năm / criteria mapping between years.")
def mapping_group() -> None:
    pass


@mapping_group.command("import", help="Nạp tệp ánh xạ đã sửa / import a corrected mapping.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", "year", type=int, required=True, help="Năm mới / the new year.")
def mapping_import(file: str, year: int) -> None:
    s = cli_settings()
    text = read_text(file)

    async def go(db: Any) -> int:
        async with db.uow() as uow:
            pairs = await N.import_mapping(uow, year, text)
            return sum(len(p.links) for p in pairs)

    try:
        n = run_db(s, go)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "Nothing was imported:"))
        return
    except D.MappingError as err:
        _mapping_fail(s, err, t(s.locale, "Nothing was imported from %(file)s:", file=file))
        return
    click.echo(t(s.locale, "Mapping for %(year)s imported: %(n)s links.", year=year, n=n))


@mapping_group.command(
    "show", help="In ánh xạ đang dùng (đã nạp hoặc tự tính) / print the mapping in use."
)
@click.option("--period", "year", type=int, required=True, help="Năm mới / the new year.")
def mapping_show(year: int) -> None:
    s = cli_settings()

    async def go(db: Any) -> str:
        async with db.uow() as uow:
            return await N.mapping_text(uow, year)

    try:
        click.echo(run_db(s, go), nl=False)
    except A.NotFound as err:
        fail([t(s.locale, err.message, **err.params)], t(s.locale, "No diff:"))


def register(main: click.Group) -> None:
    main.add_command(period_group)
    catalog = main.commands["catalog"]
    assert isinstance(catalog, click.Group)
    catalog.add_command(catalog_diff)
    catalog.add_command(mapping_group)
