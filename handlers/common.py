"""What both runtimes share: the core's contract and the reply loop around it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from conversations.replies import Event, Outcome
from delivery.sender import Sender

log = logging.getLogger(__name__)


class Core(Protocol):
    """The framework-free conversation core as the adapters see it."""

    async def handle(self, event: Event, *, raise_unavailable: bool = False) -> Outcome | None: ...


@runtime_checkable
class RemembersMessages(Protocol):
    """A core that wants to know the ids of the messages its tagged replies became."""

    async def delivered(self, event: Event, sent: Sequence[tuple[str, int]]) -> None: ...


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
    sent: list[tuple[str, int]] = []
    for reply in outcome.replies:
        edit_id = reply.edit_message_id
        if edit_id is None and reply.edit and event.kind == "callback":
            edit_id = event.message_id
        result = await sender.deliver(event.sender.chat_id, reply, edit_message_id=edit_id)
        if result.status != "sent":
            log.info("reply to %s not delivered: %s", event.sender.chat_id, result.error)
        elif reply.tag is not None and result.message_id is not None:
            sent.append((reply.tag, result.message_id))
    if sent and isinstance(core, RemembersMessages):
        await core.delivered(event, sent)
