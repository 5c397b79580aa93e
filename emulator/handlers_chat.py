"""Chat and bot-profile methods: getChat, command lists, menu button, descriptions and name.

Command lists are stored per (scope, language_code) exactly as set; :func:`commands_for_user`
resolves what a user's client would show, following Telegram's documented scope order for
private chats.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .params import Params
from .registry import api
from .state import EmulatorCore

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


@api("getChat")
async def get_chat(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat_id = p.chat_id()
    chat = core.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None or not chat.started:
        raise bad_request("chat not found")
    return chat.user.chat_full_info()


def scope_key(scope: Any) -> str:
    """A stable key for a ``BotCommandScope`` (chat ids normalized to int)."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope: unsupported scope type")
    parts = [str(scope["type"])]
    for field in ("chat_id", "user_id"):
        if scope.get(field) is not None:
            try:
                parts.append(str(int(scope[field])))
            except (TypeError, ValueError) as exc:
                raise bad_request("chat not found") from exc
    return ":".join(parts)


def _commands_key(p: Params) -> tuple[str, str]:
    return scope_key(p.opt_json("scope", "BotCommandScope")), p.opt_str("language_code") or ""


@api("setMyCommands")
async def set_my_commands(core: EmulatorCore, p: Params) -> bool:
    commands = p.opt_json("commands", "commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND_RE.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("command description must be 1-256 characters")
        cleaned.append({"command": command, "description": description})
    core.commands[_commands_key(p)] = cleaned
    return True


@api("getMyCommands")
async def get_my_commands(core: EmulatorCore, p: Params) -> list[dict[str, str]]:
    return list(core.commands.get(_commands_key(p), []))


@api("deleteMyCommands")
async def delete_my_commands(core: EmulatorCore, p: Params) -> bool:
    core.commands.pop(_commands_key(p), None)
    return True


def commands_for_user(core: EmulatorCore, user_id: int) -> list[dict[str, str]]:
    """The command menu a user's app shows in the private chat (Telegram's scope order)."""
    user = core.users.get(user_id)
    lang = (user.language_code if user else None) or ""
    for scope in (f"chat:{user_id}", "all_private_chats", "default"):
        for language in (lang, "") if lang else ("",):
            found = core.commands.get((scope, language))
            if found:
                return list(found)
    return []


@api("setChatMenuButton")
async def set_chat_menu_button(core: EmulatorCore, p: Params) -> bool:
    button = p.opt_json("menu_button", "menu button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button")
    core.menu_buttons[p.opt_int("chat_id")] = button
    return True


@api("getChatMenuButton")
async def get_chat_menu_button(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat_id = p.opt_int("chat_id")
    return dict(
        core.menu_buttons.get(chat_id) or core.menu_buttons.get(None) or {"type": "default"}
    )


def _text_setter(field: str, limit: int) -> Any:
    async def setter(core: EmulatorCore, p: Params) -> bool:
        value = p.opt_str(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        core.bot_texts[(field, p.opt_str("language_code") or "")] = value
        return True

    return setter


def _text_getter(field: str) -> Any:
    async def getter(core: EmulatorCore, p: Params) -> dict[str, str]:
        lang = p.opt_str("language_code") or ""
        value = core.bot_texts.get((field, lang), core.bot_texts.get((field, ""), ""))
        if field == "name" and not value:
            value = str(core.bot_user["first_name"])
        return {field: value}

    return getter


for _method, _field, _limit in (
    ("MyDescription", "description", 512),
    ("MyShortDescription", "short_description", 120),
    ("MyName", "name", 64),
):
    api(f"set{_method}")(_text_setter(_field, _limit))
    api(f"get{_method}")(_text_getter(_field))
