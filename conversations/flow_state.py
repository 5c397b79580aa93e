"""The person's conversation state, typed (issue 13).

Every flow keeps what it waits for here: the walk's open card, the files waiting for their
criterion, the notice or revocation an admin is writing, the appraisal being typed. It is stored
as one JSON object per person (``conversation_state.state``) with the same keys and string modes
as before it was typed, so no stored state needs migrating: :meth:`FlowState.from_json` reads
every state ever written, and drops what it does not know (an unknown key or mode, a value of
the wrong type) instead of failing the update that reads it. :meth:`FlowState.to_json` writes
only what is set, so a cleared flow leaves no key behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any


class Mode(StrEnum):
    """What the person's next typed text answers. The family before the first ``_`` names the
    typed-input route that owns the mode (``ModeFamily``); walk modes have none of their own."""

    WALK = "walk"  # a card is open: typed text is its answer
    DEN = "den"  # the numerator of a ratio was typed: the denominator is awaited
    EXPLAIN = "explain"  # the explanation (giải trình) of the open card
    NEED = "need"  # the saved answer needs evidence or an explanation
    EVIDENCE = "evidence"  # the evidence file of the open card
    SUBMIT = "submit"  # /submit asked for confirmation
    EV_PICK = "ev_pick"  # files wait for their criterion
    EV_SECTION = "ev_section"  # the section or pages of a long PDF
    RV_POINTS = "rv_points"  # an appraiser types points
    RV_REASON = "rv_reason"  # … and the reason they differ from the self-score
    RV_DUE = "rv_due"  # the due date of a request for more evidence
    RV_COMMENT = "rv_comment"  # … and what is missing
    RV_REPLY = "rv_reply"  # an officer answers that request
    ACC_REASON = "acc_reason"  # the reason of a revocation
    BC_TEXT = "bc_text"  # the text of a notice to the units
    BC_AUD = "bc_aud"  # its audience
    BC_CONFIRM = "bc_confirm"  # its confirmation
    PUB_CONFIRM = "pub_confirm"  # the typed confirmation of a forced publication

    @property
    def family(self) -> str:
        """The route family (``ModeFamily`` value) this mode's typed text goes to."""
        return self.value.split("_", 1)[0]


class ModeFamily(StrEnum):
    """The typed-input routes (``Registry.mode``): each owns the modes named ``<family>_…``."""

    ACC = "acc"
    BC = "bc"
    EV = "ev"
    PUB = "pub"
    RV = "rv"


WALK_MODES = frozenset({Mode.WALK, Mode.DEN, Mode.EXPLAIN, Mode.EVIDENCE, Mode.NEED})
# the modes in which an item's card is open (evidence sent then goes to that item)
CARD_MODES = frozenset({*WALK_MODES, Mode.EV_SECTION})
# the modes a file sent from a card leaves for the card itself
WAITING_ON_CARD = frozenset({Mode.NEED, Mode.EVIDENCE, Mode.EV_SECTION})


# ---------------------------------------------------------------- reading stored values


def _int(raw: object) -> int | None:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _str(raw: object) -> str | None:
    return raw if isinstance(raw, str) else None


def _mode(raw: object) -> Mode | None:
    try:
        return Mode(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _decimal(raw: object) -> Decimal | None:
    if not isinstance(raw, str):
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _date(raw: object) -> date | None:
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def _dict(raw: object) -> dict[str, Any]:
    return dict(raw) if isinstance(raw, Mapping) else {}


def _compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the unset ones (None, False): what is stored."""
    return {k: v for k, v in values.items() if v is not None and v is not False}


# ---------------------------------------------------------------- the flows' drafts


@dataclass
class PendingAnswer:
    """A typed answer waiting for "Change it to …?" (``pending``): item code and answer JSON."""

    code: str
    value: dict[str, Any]

    @classmethod
    def from_json(cls, raw: object) -> PendingAnswer | None:
        d = _dict(raw)
        code, value = _str(d.get("code")), d.get("value")
        return cls(code, dict(value)) if code is not None and isinstance(value, dict) else None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "value": self.value}


@dataclass
class WaitingFiles:
    """Files sent without a criterion (``ev_pending``): their checked metadata (the content is
    already in the store), the field they were asked within, the open card's item offered as
    one tap, and the card mode to go back to when that item is confirmed."""

    unit: int
    files: list[dict[str, Any]] = field(default_factory=list)
    scope: str | None = None
    proposed: str | None = None
    back: Mode | None = None

    @classmethod
    def from_json(cls, raw: object) -> WaitingFiles | None:
        d = _dict(raw)
        unit = _int(d.get("unit"))
        if unit is None:
            return None
        files = d.get("files")
        return cls(
            unit,
            [dict(f) for f in files if isinstance(f, dict)] if isinstance(files, list) else [],
            _str(d.get("scope")),
            _str(d.get("proposed")),
            _mode(d.get("back")),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "files": self.files,
            "scope": self.scope,
            "proposed": self.proposed,
            "back": self.back,
        }


@dataclass
class Album:
    """An album being received (``ev_album``): Telegram sends each file as its own update, so
    the target, the running counts and each file's reply block wait here."""

    id: str
    unit: int
    key: str
    item: str | None = None
    scope: str | None = None
    proposed: str | None = None
    note: str | None = None  # markup this module wrote, kept as plain str
    blocks: list[str] = field(default_factory=list)
    ok: int = 0
    bad: int = 0

    @classmethod
    def from_json(cls, raw: object) -> Album | None:
        d = _dict(raw)
        id_, unit, key = _str(d.get("id")), _int(d.get("unit")), _str(d.get("key"))
        if id_ is None or unit is None or key is None:
            return None
        blocks = d.get("blocks")
        return cls(
            id_,
            unit,
            key,
            _str(d.get("item")),
            _str(d.get("scope")),
            _str(d.get("proposed")),
            _str(d.get("note")),
            [b for b in blocks if isinstance(b, str)] if isinstance(blocks, list) else [],
            _int(d.get("ok")) or 0,
            _int(d.get("bad")) or 0,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit,
            "item": self.item,
            "scope": self.scope,
            "proposed": self.proposed,
            "note": self.note,
            "key": self.key,
            "blocks": self.blocks,
            "ok": self.ok,
            "bad": self.bad,
        }


@dataclass
class NoticeDoc:
    """The document attached to a notice being written (stored under data_dir/broadcasts)."""

    path: str
    name: str
    mime_type: str

    @classmethod
    def from_json(cls, raw: object) -> NoticeDoc | None:
        d = _dict(raw)
        path, name, mime = _str(d.get("path")), _str(d.get("name")), _str(d.get("mime_type"))
        return cls(path, name, mime) if path and name and mime else None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "name": self.name, "mime_type": self.mime_type}


@dataclass
class NoticeDraft:
    """A notice to the units being written (``bc``): text, document, audience, and the nonce
    of the one "Send" button that may send it."""

    text: str | None = None
    doc: NoticeDoc | None = None
    aud: str | None = None
    nonce: str | None = None

    @classmethod
    def from_json(cls, raw: object) -> NoticeDraft | None:
        if not isinstance(raw, Mapping):
            return None
        return cls(
            _str(raw.get("text")),
            NoticeDoc.from_json(raw.get("doc")),
            _str(raw.get("aud")),
            _str(raw.get("nonce")),
        )

    def to_json(self) -> dict[str, Any]:
        doc = self.doc.to_json() if self.doc is not None else None
        return _compact({"text": self.text, "doc": doc, "aud": self.aud, "nonce": self.nonce})


@dataclass
class RevocationDraft:
    """A revocation being confirmed (``acc``): the grant, and the reason once typed."""

    grant: int
    reason: str | None = None

    @classmethod
    def from_json(cls, raw: object) -> RevocationDraft | None:
        d = _dict(raw)
        grant = _int(d.get("grant"))
        return cls(grant, _str(d.get("reason"))) if grant is not None else None

    def to_json(self) -> dict[str, Any]:
        return _compact({"grant": self.grant, "reason": self.reason})


# ---------------------------------------------------------------- the state


@dataclass
class FlowState:
    """Everything a person's flows remember between updates (see the module docstring)."""

    mode: Mode | None = None
    # the walk: the open card's item, its unit and the revision it showed; a ratio's numerator;
    # a typed answer waiting for confirmation; which message shows which item's live card
    item: str | None = None
    unit_id: int | None = None
    rev: int | None = None
    num: Decimal | None = None
    pending: PendingAnswer | None = None
    cards: dict[str, int] = field(default_factory=dict)
    # onboarding: the language was chosen; the invite that would move the person to a unit
    lang_chosen: bool = False
    mv_invite: int | None = None
    # evidence: files waiting for their criterion, an album, the file whose section is asked
    # for and the mode to go back to afterwards
    ev_pending: WaitingFiles | None = None
    ev_album: Album | None = None
    ev_sec: int | None = None
    ev_back: Mode | None = None
    # appraisal: the unit and item appraised, the points typed, the due date typed
    rv_unit: int | None = None
    rv_item: int | None = None
    rv_points: Decimal | None = None
    rv_due: date | None = None
    # admin drafts: a notice, a revocation, a forced publication's year
    bc: NoticeDraft | None = None
    acc: RevocationDraft | None = None
    pub_year: int | None = None
    # throttle: action → when it was last used (ISO timestamp)
    limits: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: object) -> FlowState:
        """The state stored as ``raw``; anything unknown or malformed is left out."""
        readers = _READERS
        fields: dict[str, Any] = {}
        for key, value in _dict(raw).items():
            entry = readers.get(key)
            if entry is not None:  # a key left out reads as the field's default
                fields[entry[0]] = entry[1](value)
        return cls(**fields)

    def to_json(self) -> dict[str, Any]:
        """The JSON stored: the keys and string modes the state always had, unset ones left
        out."""
        out: dict[str, Any] = {}
        for key, attr, _read, write in _CODEC:
            value = getattr(self, attr)
            if value is None or value is False:  # unset: every writer leaves it out
                continue
            written = write(value)
            if written is not None and written is not False:
                out[key] = written
        return out

    def in_family(self, family: ModeFamily) -> bool:
        """Whether the current mode belongs to ``family`` (e.g. a notice is being written)."""
        return self.mode is not None and self.mode.family == family

    def leave_flows(self) -> None:
        """Forget the flows that act on one unit, one file or one admin draft (a revocation
        took what they point at); the language choice, live cards and limits stay."""
        self.mode = self.item = self.num = self.unit_id = None
        self.ev_pending = self.ev_album = self.ev_sec = None
        self.rv_unit = self.rv_item = self.rv_due = None
        self.bc = self.acc = None


def _same(value: Any) -> Any:
    return value


def _text(value: object) -> str | None:
    return str(value) if value is not None else None


def _draft(value: Any) -> Any:
    return value.to_json() if value is not None else None


def _year(year: int | None) -> dict[str, int] | None:
    return {"year": year} if year is not None else None


def _cards(raw: object) -> dict[str, int]:
    return {k: v for k, v in _dict(raw).items() if _int(v) is not None}


def _limits(raw: object) -> dict[str, str]:
    return {k: v for k, v in _dict(raw).items() if isinstance(v, str)}


# stored key, FlowState field, read (never raises: None or empty when malformed), write
_CODEC: tuple[tuple[str, str, Callable[[object], Any], Callable[[Any], Any]], ...] = (
    ("mode", "mode", _mode, _same),
    ("item", "item", _str, _same),
    ("unit_id", "unit_id", _int, _same),
    ("rev", "rev", _int, _same),
    ("num", "num", _decimal, _text),
    ("pending", "pending", PendingAnswer.from_json, _draft),
    ("cards", "cards", _cards, lambda cards: dict(cards) or None),
    ("lang_chosen", "lang_chosen", lambda raw: raw is True, _same),
    ("mv_invite", "mv_invite", _int, _same),
    ("ev_pending", "ev_pending", WaitingFiles.from_json, _draft),
    ("ev_album", "ev_album", Album.from_json, _draft),
    ("ev_sec", "ev_sec", _int, _same),
    ("ev_back", "ev_back", _mode, _same),
    ("rv_unit", "rv_unit", _int, _same),
    ("rv_item", "rv_item", _int, _same),
    ("rv_points", "rv_points", _decimal, _text),
    ("rv_due", "rv_due", _date, lambda due: due.isoformat() if due is not None else None),
    ("bc", "bc", NoticeDraft.from_json, _draft),
    ("acc", "acc", RevocationDraft.from_json, _draft),
    ("pub", "pub_year", lambda raw: _int(_dict(raw).get("year")), _year),
    ("_limits", "limits", _limits, lambda limits: dict(limits) or None),
)
# stored key → (field, read): what FlowState.from_json reads (every update reads the state
# twice); a key not stored is not read at all, as every read gives the field's default for
# None (tests/conversations/test_flow_state.py pins it)
_READERS: dict[str, tuple[str, Callable[[object], Any]]] = {
    key: (attr, read) for key, attr, read, _write in _CODEC
}
