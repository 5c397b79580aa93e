"""Bot API objects (User, Chat, Document, PhotoSize, File, keyboards) as the emulator stores them.

Everything that goes on the wire is a plain dict built here, with all fields that aiogram's and
python-telegram-bot's models require, so both clients deserialize the emulator's answers without
special-casing it. Keyboards are validated here with Telegram's error texts.
"""

from __future__ import annotations

import itertools
import mimetypes
import secrets
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from .errors import bad_request

MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files (cloud Bot API limit)


@dataclass
class EmuUser:
    """A simulated Telegram user; its private chat with the bot has the same id."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.user_id,
            "type": "private",
            "first_name": self.first_name,
        }
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    def chat_full_info(self) -> dict[str, Any]:
        """``ChatFullInfo`` (getChat) including the fields newer Bot API versions require."""
        data = self.chat_api()
        data.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        )
        return data


def bot_user_api(bot_id: int, first_name: str, username: str) -> dict[str, Any]:
    """getMe's ``User`` with the bot-only capability flags."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


_unique_counter = itertools.count(1)


def new_file_ids(kind: str) -> tuple[str, str]:
    """Opaque ``(file_id, file_unique_id)`` with Telegram-like prefixes per file kind."""
    prefix = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}.get(kind, "CAACAgIAAxk")
    n = next(_unique_counter)
    return (
        f"{prefix}{n:05d}{secrets.token_urlsafe(18)}",
        f"AQAD{n:05d}{secrets.token_urlsafe(6)}",
    )


@dataclass
class StoredFile:
    """A file known to the emulator, either uploaded by a user or by the bot."""

    file_id: str
    file_unique_id: str
    kind: str  # "document" | "photo"
    content: bytes
    file_size: int
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    def file_api(self) -> dict[str, Any]:
        """The ``File`` object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }

    def document_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data

    def photo_size_api(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "width": self.width or 0,
            "height": self.height or 0,
        }


class FileStore:
    """All files by file_id and by download path."""

    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        declared_size: int | None = None,
        width: int | None = None,
        height: int | None = None,
        unique_id: str | None = None,
    ) -> StoredFile:
        file_id, file_unique_id = new_file_ids(kind)
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1].lower()
        elif kind == "photo":
            suffix = ".jpg"
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id or file_unique_id,
            kind=kind,
            content=content,
            file_size=declared_size if declared_size is not None else len(content),
            file_path=f"{folder}/file_{next(self._counter)}{suffix}",
            file_name=file_name,
            mime_type=mime_type or guess_mime(file_name),
            width=width,
            height=height,
        )
        self.by_id[stored.file_id] = stored
        self.by_path[stored.file_path] = stored
        return stored

    def add_photo(self, content: bytes) -> list[StoredFile]:
        """Store a photo the way Telegram does: several sizes, smallest first.

        The emulator keeps a thumbnail (longest side 320) and the original; both share the
        uploaded bytes (no imaging library), only their declared dimensions differ. Raises
        ValueError when the bytes are not a PNG, GIF or JPEG image.
        """
        size = image_size(content)
        if size is None:
            raise ValueError("not a PNG, GIF or JPEG image")
        width, height = size
        sizes: list[StoredFile] = []
        longest = max(width, height)
        if longest > 320:
            scale = 320 / longest
            thumb = (max(1, round(width * scale)), max(1, round(height * scale)))
            sizes.append(self.add("photo", content, width=thumb[0], height=thumb[1]))
        sizes.append(self.add("photo", content, width=width, height=height))
        return sizes

    def get(self, file_id: str) -> StoredFile | None:
        return self.by_id.get(file_id)


def make_png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid solid-colour PNG, handy as photo content in tests and demos."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def guess_mime(file_name: str | None) -> str | None:
    if not file_name:
        return None
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width/height of PNG, GIF or JPEG bytes (no imaging library needed)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (seg_len,) = struct.unpack(">H", data[i + 2 : i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + seg_len
    return None


# ---------------------------------------------------------------- keyboards


@dataclass
class Markup:
    """A validated ``reply_markup``: which kind, and its normalized rows."""

    kind: str  # "inline" | "reply" | "remove" | "force_reply"
    rows: list[list[dict[str, Any]]]
    raw: dict[str, Any]

    def inline_api(self) -> dict[str, Any] | None:
        """Only inline keyboards are echoed back in ``Message.reply_markup``."""
        if self.kind != "inline":
            return None
        return {"inline_keyboard": self.rows}


_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def parse_markup(raw: Any) -> Markup | None:
    """Validate a decoded ``reply_markup`` like Telegram (BUTTON_DATA_INVALID etc.)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return Markup("inline", _inline_rows(raw["inline_keyboard"]), raw)
    if "keyboard" in raw:
        return Markup("reply", _reply_rows(raw["keyboard"]), raw)
    if raw.get("remove_keyboard"):
        return Markup("remove", [], raw)
    if raw.get("force_reply"):
        return Markup("force_reply", [], raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(value: Any, name: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(f'field "{name}" of the keyboard markup must be an Array of Arrays')
    return value


def _inline_rows(value: Any) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for row in _rows(value, "inline_keyboard"):
        out_row: list[dict[str, Any]] = []
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
            actions = [a for a in _INLINE_ACTIONS if button.get(a) is not None]
            if not actions:
                raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
            if "callback_data" in actions:
                data = str(button["callback_data"])
                if not data or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in actions and not str(button["url"]).startswith(
                ("http://", "https://", "tg://")
            ):
                raise bad_request("BUTTON_URL_INVALID")
            out_row.append({k: v for k, v in button.items() if v is not None})
        if out_row:
            rows.append(out_row)
    return rows


def _reply_rows(value: Any) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for row in _rows(value, "keyboard"):
        out_row: list[dict[str, Any]] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not str(button.get("text", "")):
                raise bad_request("can't parse keyboard button: text is empty")
            out_row.append({k: v for k, v in button.items() if v is not None})
        if out_row:
            rows.append(out_row)
    return rows
