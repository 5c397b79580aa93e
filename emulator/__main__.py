"""Run the emulator standalone: ``python -m emulator --port 8080``.

Prints the Bot API base URL and token to point a bot at, and serves the web chat page on the
same port. Personas for the page's picker can be given as ``--persona ID:Name[:description]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import DEFAULT_TOKEN, DEFAULT_USERNAME, BotApiEmulator


def _parse_persona(value: str) -> dict[str, object]:
    parts = value.split(":", 2)
    if len(parts) < 2 or not parts[0].isdigit():
        raise argparse.ArgumentTypeError("persona must be ID:Name[:description]")
    return {
        "user_id": int(parts[0]),
        "name": parts[1],
        "description": parts[2] if len(parts) > 2 else "",
    }


async def _serve(args: argparse.Namespace) -> None:
    emu = BotApiEmulator(
        args.token,
        args.username,
        host=args.host,
        port=args.port,
        rate_limits=not args.no_rate_limits,
    )
    if args.persona:
        emu.set_personas(args.persona)
    async with emu:
        print(f"Bot API base URL: {emu.base_url}  token: {emu.token}", flush=True)
        print(f"Web chat page:    {emu.web_url}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default=DEFAULT_USERNAME)
    parser.add_argument("--no-rate-limits", action="store_true")
    parser.add_argument("--persona", action="append", type=_parse_persona, default=[])
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
