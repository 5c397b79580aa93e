"""Getting updates: getMe, getUpdates long polling, webhooks, logOut/close.

Long polling is event-driven: a waiting getUpdates sleeps on the update queue's notifier and
returns the moment an update is queued (or the emulator stops), never busy-looping. As on
Telegram, a newer getUpdates terminates an older one with 409, and getUpdates is refused with
409 while a webhook is set.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .errors import bad_request, conflict
from .params import Params
from .registry import WithDescription, api
from .state import EmulatorCore

_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_POLL_TIMEOUT = 50  # seconds; a single long poll never waits longer


@api("getMe")
async def get_me(core: EmulatorCore, p: Params) -> dict[str, Any]:
    return dict(core.bot_user)


@api("logOut")
async def log_out(core: EmulatorCore, p: Params) -> bool:
    return True


@api("close")
async def close(core: EmulatorCore, p: Params) -> bool:
    return True


def _webhook_conflict() -> Exception:
    return conflict(
        "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
        "webhook first"
    )


@api("getUpdates")
async def get_updates(core: EmulatorCore, p: Params) -> list[dict[str, Any]]:
    if core.webhook.url:
        raise _webhook_conflict()
    queue = core.updates
    offset = p.opt_int("offset")
    if offset:
        core.stats.updates_confirmed += queue.confirm(offset)
    limit = min(max(p.opt_int("limit") or 100, 1), 100)
    timeout = min(max(p.opt_int("timeout") or 0, 0), MAX_POLL_TIMEOUT)
    queue.set_allowed(p.opt_json("allowed_updates", "allowed updates"))

    queue.poll_generation += 1
    generation = queue.poll_generation
    queue.notifier.notify()  # wakes an older poll so it can report the conflict

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if generation != queue.poll_generation:
            raise conflict(
                "terminated by other getUpdates request; make sure that only one bot instance "
                "is running"
            )
        if core.webhook.url:
            raise _webhook_conflict()
        if queue.pending or core.closing:
            break
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await queue.notifier.wait(remaining)
    return [dict(u) for u in queue.pending[:limit]]


@api("setWebhook")
async def set_webhook(core: EmulatorCore, p: Params) -> WithDescription:
    url = (p.opt_str("url") or "").strip()
    if not url:
        return await delete_webhook(core, p)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = p.opt_str("secret_token")
    if secret is not None and not _SECRET_RE.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.opt_bool("drop_pending_updates"):
        core.updates.drop_all()
    core.updates.set_allowed(p.opt_json("allowed_updates", "allowed updates"))
    already = core.webhook.url == url and core.webhook.secret_token == secret
    core.webhook.url = url
    core.webhook.secret_token = secret
    core.webhook.max_connections = p.opt_int("max_connections") or 40
    core.webhook.last_error_date = None
    core.webhook.last_error_message = None
    core.updates.notifier.notify()
    return WithDescription(True, "Webhook is already set" if already else "Webhook was set")


@api("deleteWebhook")
async def delete_webhook(core: EmulatorCore, p: Params) -> WithDescription:
    if p.opt_bool("drop_pending_updates"):
        core.updates.drop_all()
    was_set = bool(core.webhook.url)
    core.webhook.url = ""
    core.webhook.secret_token = None
    core.updates.notifier.notify()
    return WithDescription(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


@api("getWebhookInfo")
async def get_webhook_info(core: EmulatorCore, p: Params) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": core.webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(core.updates.pending),
    }
    if core.webhook.url:
        info["max_connections"] = core.webhook.max_connections
        info["ip_address"] = "127.0.0.1"
        info["allowed_updates"] = sorted(core.updates.allowed)
    if core.webhook.last_error_date is not None:
        info["last_error_date"] = core.webhook.last_error_date
        info["last_error_message"] = core.webhook.last_error_message
    return info
