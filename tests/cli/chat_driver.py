"""The conversation core driven in-process for CLI tests: one typed message from a Telegram id,
its replies as text (invites redeemed in chat, roles checked as in production).
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from pathlib import Path

import documents
from bot.app import open_database
from bot.settings import load_settings
from conversations.context import CoreConfig
from conversations.engine import ChatEngine
from conversations.replies import Event, Outcome, Sender
from handlers.routes import build_registry

UPDATE_IDS = itertools.count(1)


def chat(
    db_url: str, tmp_path: Path, user_id: int, name: str, *texts: str, lang: str = "en"
) -> list[Outcome]:
    """Send ``texts`` (typed messages, or button data prefixed with "cb:") from one person
    whose Telegram app speaks ``lang``."""

    async def go() -> list[Outcome]:
        settings = load_settings(database_url=db_url, data_dir=tmp_path / "data")
        async with open_database(settings, migrate=False) as db:
            engine = ChatEngine(
                db.uow,
                CoreConfig(formats=documents.formats()),
                lambda: datetime.now(UTC),
                routes=build_registry(),
            )
            outs = []
            for text in texts:
                sender = Sender(user_id, user_id, name, language_code=lang)
                uid = next(UPDATE_IDS)
                if text.startswith("cb:"):
                    ev = Event(uid, sender, "callback", callback_id="c", callback_data=text[3:])
                else:
                    ev = Event.typed(uid, sender, text)
                out = await engine.handle(ev)
                assert out is not None
                outs.append(out)
            return outs

    return asyncio.run(go())
