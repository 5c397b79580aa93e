"""Appraiser assignments: Phòng Nội vụ lets a person appraise a field (or the bonus/penalty
items), for one board or all; shared by the chat's /review assign and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conversations import assessment as A
from scoring.catalog import DEFAULT_BOARDS, Catalog
from scoring.i18n import N_
from storage.repositories.rows import PersonRow
from storage.repositories.rows_people import AssignmentRow
from storage.uow import UnitOfWork

PSEUDO_FIELDS = ("bonus", "penalty")  # bonus/penalty items are assigned under these names


class AssignError(LookupError):
    def __init__(self, message: str, **params: object):
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


def fields_of_period(catalogs: Iterable[Catalog], board: str | None) -> list[str]:
    out: list[str] = []
    for cat in catalogs:
        if board is not None and board not in cat.boards:
            continue
        for f in cat.fields:
            if f.code not in out:
                out.append(f.code)
        if cat.bonus and "bonus" not in out:
            out.append("bonus")
        if cat.penalty and "penalty" not in out:
            out.append("penalty")
    return out


PSEUDO_ALIASES = {
    "thuong": "bonus",
    "diem thuong": "bonus",
    "tru": "penalty",
    "diem tru": "penalty",
}
PSEUDO_WORDS = {"bonus": N_("bonus"), "penalty": N_("penalty")}


def field_key_of(typed: str) -> str:
    """What was typed for a field: its code, or "thưởng"/"trừ" (or bonus/penalty)."""
    from scoring.answers import fold

    return PSEUDO_ALIASES.get(fold(typed), typed)


@dataclass(frozen=True)
class FieldKeys:
    """The fields one can assign, as a reader types them: "1, 2, …, thưởng, trừ" in Vietnamese."""

    keys: tuple[str, ...]

    def localized(self, locale: str) -> str:
        from conversations.i18n import t

        return ", ".join(t(locale, PSEUDO_WORDS[k]) if k in PSEUDO_WORDS else k for k in self.keys)

    def __str__(self) -> str:
        return ", ".join(self.keys)


async def assign_appraiser(
    uow: UnitOfWork,
    year: int,
    field_code: str,
    board: str | None,
    *,
    telegram_id: int | None = None,
    invite_code: str | None = None,
    by: PersonRow | None = None,
) -> tuple[PersonRow, AssignmentRow]:
    """Let a person appraise one field (for one board, or all boards); grants the appraiser role."""
    period = await A.get_period(uow, year)
    person: PersonRow | None = None
    if invite_code is not None:
        invite = await uow.invites.get_by_code(invite_code)
        if invite is None:
            raise AssignError(N_("there is no such invite code"))
        if invite.used_by is None:
            raise AssignError(
                N_("the invite has not been used yet; assign the field after the appraiser joins")
            )
        person = await uow.people.get(invite.used_by)
    elif telegram_id is not None:
        person = await uow.people.get_by_telegram_id(telegram_id)
        if person is None:
            raise AssignError(
                N_(
                    "nobody with Telegram id %(id)s has written to the bot yet; send them an "
                    "appraiser invite (parbot invite --role appraiser) first"
                ),
                id=telegram_id,
            )
    if person is None:
        raise AssignError(N_("say who: a Telegram id or the invite code they used"))
    catalogs = [A.catalog_of(c) for c in await uow.catalogs.list_for_period(period.id)]
    boards = sorted({b for c in catalogs for b in c.boards} | set(DEFAULT_BOARDS))
    if board is not None and board not in boards:
        raise AssignError(
            N_("unknown board %(board)s (use %(known)s)"), board=board, known=", ".join(boards)
        )
    known = fields_of_period(catalogs, board)
    if not catalogs:
        raise AssignError(N_("there is no criteria set for %(year)s yet"), year=year)
    field_code = field_key_of(field_code)
    if field_code not in known:
        raise AssignError(
            N_("unknown field %(field)s (fields: %(known)s)"),
            field=field_code,
            known=FieldKeys(tuple(known)),
        )
    if not await uow.people.has_role(person, "appraiser"):
        await uow.people.grant(person, "appraiser", None, by)
    row = await uow.appraisals.assign(person, period.id, field_code, board)
    return person, row


async def scope_by_board(
    uow: UnitOfWork, person: PersonRow, period_id: int
) -> dict[str | None, set[str]]:
    """``{board or None (all boards): {field keys}}`` of one appraiser's assignments."""
    out: dict[str | None, set[str]] = {}
    for a in await uow.appraisals.assignments(person, period_id):
        out.setdefault(a.board, set()).add(a.field_code)
    return out


def scope_for(scopes: dict[str | None, set[str]], board: str) -> set[str]:
    return scopes.get(None, set()) | scopes.get(board, set())
