"""What both runtimes share: the core's contract and the reply loop around it."""

from __future__ import annotations

import logging
from typing import Protocol

from conversations.replies import Event, Outcome
from scheduler.sender import Sender

log = logging.getLogger(__name__)


class Core(Protocol):
    """The framework-free conversation core as the adapters see it."""

    async def handle(self, event: Event, *, raise_unavailable: bool = False) -> Outcome | None: ...


async def process(
    event: Event, core: Core, sender: Sender, *, raise_unavailable: bool = False
) -> None:
    """Hand one event to the core, then deliver its replies through the one sender.

    ``None`` from the core means the update was already processed (a redelivery): nothing is sent.
    """
    outcome = await core.handle(event, raise_unavailable=raise_unavailable)
    if event.callback_id is not None:
        await sender.answer_callback(
            event.callback_id,
            outcome.toast if outcome else None,
            outcome.toast_alert if outcome else False,
        )
    if outcome is None:
        return
    for reply in outcome.replies:
        edit_id = event.message_id if reply.edit and event.kind == "callback" else None
        result = await sender.deliver(event.sender.chat_id, reply, edit_message_id=edit_id)
        if result.status != "sent":
            log.info("reply to %s not delivered: %s", event.sender.chat_id, result.error)
