"""`parbot demo` as a command: the demo itself (emulator, seed data, the bot) loads only when it
runs, so every other CLI call stays quick, and bot.runtime does not depend on bot.demo (which
depends on it)."""

from __future__ import annotations

import click


@click.command("demo", help="Bản chạy thử trong trình duyệt, không cần Telegram / local demo.")
@click.option("--port", default=8080, show_default=True, help="Cổng trang web / web page port.")
@click.option("--fresh", is_flag=True, help="Tạo lại dữ liệu mẫu / reseed the demo data.")
def demo_command(port: int, fresh: bool) -> None:
    from bot.demo import run_demo

    run_demo(port=port, fresh=fresh)
