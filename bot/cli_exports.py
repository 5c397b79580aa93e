"""`parbot export …`: the files the process expects (evidence packs, score sheets, rankings)."""

from __future__ import annotations

import importlib

import click


@click.group("export", help="Xuất tệp (Excel, thư mục minh chứng) / export files.")
def export_group() -> None:
    pass


def register(main: click.Group) -> None:
    for module in ("bot.cli_export_evidence", "bot.cli_export_sheets"):
        try:
            importlib.import_module(module).register(export_group)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    main.add_command(export_group)
