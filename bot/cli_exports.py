"""`parbot export …`: the files the process expects (evidence packs, score sheets, rankings)."""

from __future__ import annotations

import click

from bot import cli_export_evidence, cli_export_sheets


@click.group("export", help="Xuất tệp (Excel, thư mục minh chứng) / export files.")
def export_group() -> None:
    pass


def register(main: click.Group) -> None:
    for module in (cli_export_evidence, cli_export_sheets):
        module.register(export_group)
    main.add_command(export_group)
