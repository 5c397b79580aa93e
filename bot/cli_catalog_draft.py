"""`parbot catalog draft FILE --out CATALOG.yaml`: a catalog to review, from the appendix.

    parbot catalog draft phu-luc.docx --out bo-chi-so.yaml [--json] [--force]
                         [--board commune] [--id xa-2025] [--year 2025]

Exit codes as the rest of the CLI: 0 the draft was written, 1 the file was refused or the
output exists (nothing written), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli_common import cli_settings
from catalog_draft import DraftError, Options, draft_file
from catalog_draft.report import report_json, report_lines
from conversations.i18n import fmt_num, gettext_for, t


def _settings_locale() -> str:
    return cli_settings().locale


@click.command("draft", help="Soạn Bộ chỉ số YAML từ Phụ lục (.docx/.xlsx/.pdf) / draft a catalog.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Tệp YAML ra.")
@click.option("--json", "as_json", is_flag=True, help="In báo cáo JSON / print the JSON report.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có / overwrite an existing file.")
@click.option("--board", default=None, help="Bảng xếp hạng / board (e.g. commune).")
@click.option("--id", "catalog_id", default=None, help="Mã Bộ chỉ số / catalog id.")
@click.option("--year", type=int, default=None, help="Năm đánh giá / assessment year.")
def catalog_draft(
    file: str,
    out: str,
    as_json: bool,
    force: bool,
    board: str | None,
    catalog_id: str | None,
    year: int | None,
) -> None:
    loc = _settings_locale()
    target = Path(out)
    if target.exists() and not force:
        click.echo(t(loc, "%(file)s already exists; nothing was written.", file=out), err=True)
        click.echo(t(loc, "Choose another --out file, or add --force to replace it."), err=True)
        sys.exit(1)
    opts = Options(
        catalog_id=catalog_id,
        board=board,
        year=year,
        translate=lambda m: gettext_for(loc, m),
        num=lambda d: fmt_num(d, loc, 3),
    )
    try:
        draft = draft_file(file, Path(file).read_bytes(), opts)
    except DraftError as err:
        what, todo = err.render(lambda m: gettext_for(loc, m))
        click.echo(what, err=True)
        click.echo(todo, err=True)
        sys.exit(1)
    target.write_text(draft.yaml_text, encoding="utf-8")
    if as_json:
        report = report_json(draft, opts.translate, opts.num)
        report["out"] = str(target)
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for line in report_lines(draft, opts.translate, opts.num):
            click.echo(line)
        click.echo(t(loc, "Draft written to %(file)s.", file=out))
    sys.exit(0 if draft.valid else 1)


def register(main: click.Group) -> None:
    group = main.commands.get("catalog")
    assert isinstance(group, click.Group)
    group.add_command(catalog_draft)


__all__ = ["register"]
