"""Message methods: send/edit/delete text and media, chat actions, files, callback answers."""

from __future__ import annotations

import time
from typing import Any

import aiohttp

from .errors import bad_request
from .formatting import spans_to_entities
from .messages import (
    Content,
    apply_content,
    build_message,
    new_record,
    prepare_text,
    set_markup,
    target_chat,
)
from .objects import MAX_DOWNLOAD_BYTES, Markup, StoredFile, parse_markup
from .params import Params, Upload
from .registry import api
from .state import CallbackAnswer, ChatState, EmulatorCore, Record

CALLBACK_ANSWER_TIMEOUT = 15.0  # seconds; Telegram forgets unanswered queries after a while
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def _markup(p: Params) -> Markup | None:
    return parse_markup(p.opt_json("reply_markup", "reply keyboard markup"))


def _reply_target(chat: ChatState, p: Params) -> Record | None:
    reply = p.opt_json("reply_parameters", "reply parameters")
    message_id = p.opt_int("reply_to_message_id")
    allow_missing = p.opt_bool("allow_sending_without_reply")
    if isinstance(reply, dict):
        message_id = int(reply.get("message_id") or 0) or None
        allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
    if message_id is None:
        return None
    record = chat.by_message_id.get(message_id)
    if record is None or record.deleted:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return record


def deliver(
    core: EmulatorCore,
    chat: ChatState,
    p: Params,
    *,
    kind: str,
    content: Content | None,
    document: StoredFile | None = None,
    photo_sizes: list[StoredFile] | None = None,
) -> dict[str, Any]:
    """Append a bot message to the chat and return its wire form."""
    markup = _markup(p)
    reply_to = _reply_target(chat, p)
    message = build_message(
        core,
        chat,
        sender=core.bot_user,
        content=content,
        kind=kind,
        markup=markup,
        document=document,
        photo_sizes=photo_sizes,
        reply_to=reply_to,
    )
    record = new_record(
        "bot",
        message,
        kind=kind,
        content=content,
        markup=markup,
        document=document,
        photo=photo_sizes[-1] if photo_sizes else None,
    )
    if markup is not None and markup.kind == "reply":
        chat.reply_keyboard = markup
    elif markup is not None and markup.kind == "remove":
        chat.reply_keyboard = None
    chat.chat_action = None
    core.add_record(chat, record)
    core.stats.messages_delivered += 1
    return message


@api("sendMessage")
async def send_message(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat = target_chat(core, p.chat_id())
    content = prepare_text(
        p.opt_str("text"), p.opt_str("parse_mode"), p.opt_json("entities", "entities")
    )
    return deliver(core, chat, p, kind="text", content=content)


def _caption(p: Params) -> Content | None:
    return prepare_text(
        p.opt_str("caption"),
        p.opt_str("parse_mode"),
        p.opt_json("caption_entities", "caption entities"),
        caption=True,
    )


async def _fetch_url(url: str) -> Upload:
    """Telegram downloads HTTP URLs itself; the emulator can reach local servers only."""
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as resp,
        ):
            if resp.status != 200:
                raise bad_request("failed to get HTTP URL content")
            content = await resp.read()
            name = url.rstrip("/").rsplit("/", 1)[-1] or "file"
            return Upload(name, content, resp.content_type)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise bad_request("failed to get HTTP URL content") from exc


async def _input_file(core: EmulatorCore, p: Params, field: str) -> StoredFile | Upload:
    """An existing file by file_id, or the bytes of a new upload / HTTP URL."""
    ref = p.file_ref(field)
    if ref is None:
        raise bad_request(f"there is no {field} in the request")
    if isinstance(ref, Upload):
        return ref
    if ref.startswith(("http://", "https://")):
        return await _fetch_url(ref)
    stored = core.files.get(ref.strip())
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != field:
        raise bad_request(
            f"can't use file of type {stored.kind.capitalize()} as {field.capitalize()}"
        )
    return stored


@api("sendDocument")
async def send_document(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat = target_chat(core, p.chat_id())
    source = await _input_file(core, p, "document")
    caption = _caption(p)
    if isinstance(source, Upload):
        document = core.files.add(
            "document",
            source.content,
            file_name=source.filename,
            mime_type=source.content_type
            if source.content_type not in ("", "application/octet-stream")
            else None,
        )
    else:
        document = source
    return deliver(core, chat, p, kind="document", content=caption, document=document)


@api("sendPhoto")
async def send_photo(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat = target_chat(core, p.chat_id())
    source = await _input_file(core, p, "photo")
    caption = _caption(p)
    if isinstance(source, Upload):
        try:
            sizes = core.files.add_photo(source.content)
        except ValueError as exc:
            raise bad_request("IMAGE_PROCESS_FAILED") from exc
    else:
        sizes = [source]
    return deliver(core, chat, p, kind="photo", content=caption, photo_sizes=sizes)


# ---------------------------------------------------------------- edits and deletions


def _bot_message(chat: ChatState, p: Params) -> Record:
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    record = chat.by_message_id.get(p.req_int("message_id"))
    if record is None or record.deleted:
        raise bad_request("message to edit not found")
    if record.direction != "bot":
        raise bad_request("message can't be edited")
    return record


def _inline_only(markup: Markup | None) -> Markup | None:
    if markup is not None and markup.kind != "inline":
        raise bad_request("inline keyboard expected")
    return markup


def _apply_edit(
    core: EmulatorCore,
    record: Record,
    content: Content | None,
    markup: Markup | None,
    *,
    keep_content: bool,
) -> dict[str, Any]:
    """Update record + wire message; refuse a no-op edit like Telegram does."""
    new_buttons = markup.rows if markup is not None else []
    same_markup = new_buttons == record.buttons
    if keep_content:
        same_content = True
    else:
        old = spans_to_entities(record.plain or "", record.spans)
        new = spans_to_entities(content.plain, content.spans) if content else []
        same_content = (content.plain if content else None) == record.plain and old == new
    if same_content and same_markup:
        raise bad_request(NOT_MODIFIED)
    if not keep_content:
        apply_content(record.message, content, caption=record.kind != "text")
        record.text = content.text if content else None
        record.plain = content.plain if content else None
        record.spans = list(content.spans) if content else []
        record.parse_mode = content.parse_mode if content else None
    record.message.pop("reply_markup", None)
    if markup is not None:
        record.message["reply_markup"] = markup.inline_api()
    set_markup(record, markup)
    record.message["edit_date"] = core.now()
    record.edited = True
    core.stats.edits += 1
    core.touch(record)
    return record.message


@api("editMessageText")
async def edit_message_text(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat = target_chat(core, p.chat_id())
    record = _bot_message(chat, p)
    if record.kind != "text":
        raise bad_request("there is no text in the message to edit")
    content = prepare_text(
        p.opt_str("text"), p.opt_str("parse_mode"), p.opt_json("entities", "entities")
    )
    return _apply_edit(core, record, content, _inline_only(_markup(p)), keep_content=False)


@api("editMessageCaption")
async def edit_message_caption(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat = target_chat(core, p.chat_id())
    record = _bot_message(chat, p)
    if record.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    return _apply_edit(core, record, _caption(p), _inline_only(_markup(p)), keep_content=False)


@api("editMessageReplyMarkup")
async def edit_message_reply_markup(core: EmulatorCore, p: Params) -> dict[str, Any]:
    chat = target_chat(core, p.chat_id())
    record = _bot_message(chat, p)
    return _apply_edit(core, record, None, _inline_only(_markup(p)), keep_content=True)


def _delete(core: EmulatorCore, chat: ChatState, message_id: int) -> bool:
    record = chat.by_message_id.get(message_id)
    if record is None or record.deleted:
        return False
    record.deleted = True
    core.stats.deletions += 1
    core.touch(record)
    return True


@api("deleteMessage")
async def delete_message(core: EmulatorCore, p: Params) -> bool:
    chat = target_chat(core, p.chat_id())
    if not _delete(core, chat, p.req_int("message_id")):
        raise bad_request("message to delete not found")
    return True


@api("deleteMessages")
async def delete_messages(core: EmulatorCore, p: Params) -> bool:
    chat = target_chat(core, p.chat_id())
    ids = p.opt_json("message_ids", "message identifiers")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    for message_id in ids:
        _delete(core, chat, int(message_id))
    return True


# ---------------------------------------------------------------- misc


@api("sendChatAction")
async def send_chat_action(core: EmulatorCore, p: Params) -> bool:
    chat = target_chat(core, p.chat_id())
    action = p.opt_str("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.chat_action = (action, time.time())
    core.mark_chat(chat.user.user_id)
    return True


@api("getFile")
async def get_file(core: EmulatorCore, p: Params) -> dict[str, Any]:
    stored = core.files.get((p.opt_str("file_id") or "").strip())
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.file_api()


@api("answerCallbackQuery")
async def answer_callback_query(core: EmulatorCore, p: Params) -> bool:
    query_id = p.opt_str("callback_query_id") or ""
    pending = core.pending_callbacks.get(query_id)
    expired = pending is not None and time.monotonic() - pending.created > CALLBACK_ANSWER_TIMEOUT
    if pending is None or pending.answered or expired:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.opt_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    core.callback_answers[query_id] = CallbackAnswer(
        callback_query_id=query_id,
        chat_id=pending.chat_id,
        text=text,
        show_alert=p.opt_bool("show_alert"),
        url=p.opt_str("url"),
        cache_time=p.opt_int("cache_time"),
        seq=core.mark_chat(pending.chat_id),
    )
    return True
