"""Taking a role away (issue 18, finding 4): one use case for the command line and the chat.

A revocation deletes the grants, writes one audit row per grant (who, when, what, why), clears
the person's conversation state where it points at what they lost (a half-typed explanation for
a unit they no longer hold must not land in their other unit), and queues one short notice that
carries their new reply keyboard and command menu. Rights follow at once: every update loads
the person's roles afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from conversations import reply_json
from conversations.flow_state import FlowState, Mode, ModeFamily
from conversations.i18n import t, th
from conversations.markup import fmt, join_lines
from conversations.replies import Reply
from conversations.routing import Registry, roles_of
from scoring.i18n import N_
from storage.enums import AccessAction
from storage.repositories.access import GrantRow
from storage.repositories.rows import PersonRow, RoleRow
from storage.repositories.rows_people import InviteRow
from storage.uow import UnitOfWork

ROLE_NAMES = {
    "officer": N_("focal officer"),
    "leader": N_("leader"),
    "appraiser": N_("appraiser"),
    "admin": N_("Home Affairs administrator"),
}
MAX_REASON = 500


@dataclass(frozen=True)
class Actor:
    """Who revokes: an admin in chat (``person_id``) or the command line (``label`` "cli")."""

    label: str
    person_id: int | None = None


def unit_label(g: GrantRow) -> str | None:
    return f"{g.unit_code} {g.unit_name}" if g.unit_code else None


def describe(g: GrantRow, locale: str) -> str:
    """ "focal officer — X01 UBND xã An Hòa" (or "— all units")."""
    where = unit_label(g) or t(locale, "all units")
    return f"{t(locale, ROLE_NAMES.get(g.role, g.role))} — {where}"


def matching(
    grants: Iterable[GrantRow], unit_id: int | None = None, role: str | None = None
) -> list[GrantRow]:
    return [
        g
        for g in grants
        if (unit_id is None or g.unit_id == unit_id) and (role is None or g.role == role)
    ]


def prune_state(state: FlowState, lost_units: set[int], roles: set[str]) -> bool:
    """Drop the flow state that points at a lost unit or needs a role the person no longer
    has; True if anything was dropped. Language choice and limits stay."""
    mode, pending = state.mode, state.ev_pending
    points_at_lost = (
        state.unit_id in lost_units
        or state.rv_unit in lost_units
        or (pending is not None and pending.unit in lost_units)
    )
    needs_admin = (
        state.in_family(ModeFamily.BC)
        or state.in_family(ModeFamily.ACC)
        or state.bc is not None
        or state.acc is not None
    )
    needs_reviewer = state.in_family(ModeFamily.RV) and mode != Mode.RV_REPLY
    needs_officer = state.in_family(ModeFamily.EV) or mode == Mode.RV_REPLY or pending is not None
    role_gone = (
        (needs_admin and "admin" not in roles)
        or (needs_reviewer and not roles & {"appraiser", "admin"})
        or (needs_officer and "officer" not in roles)
    )
    if not (points_at_lost or role_gone):
        return False
    state.leave_flows()
    return True


async def revoke(
    uow: UnitOfWork,
    person: PersonRow,
    grants: list[GrantRow],
    *,
    reason: str,
    actor: Actor,
    now: datetime,
    default_locale: str = "vi",
    live_state: FlowState | None = None,
    menus: Registry,
) -> list[RoleRow]:
    """Remove ``grants`` (all of ``person``), audit them, clean the person's state and queue
    their notice. Returns the roles the person keeps.

    ``live_state`` is the person's state when they are the one acting (an admin giving up a
    role of their own): it is pruned in place, as the engine saves it after the update.
    ``menus``: the chat's routes, for the keyboard and "/" menu the notice brings along.

    Otherwise the person's own lock is taken first (PostgreSQL; SQLite writers are serial
    anyway): an update of theirs in flight finishes before, and their next one starts after,
    the revocation — never with half of it."""
    if live_state is None:
        await uow.lock_person(person.telegram_user_id)
    lost: set[int] = set()
    for g in grants:
        if not await uow.people.revoke(person.id, g.role, g.unit_id):
            continue  # someone else was quicker
        if g.unit_id is not None:
            lost.add(g.unit_id)
        await uow.access.record(
            person_id=person.id,
            action=AccessAction.REVOKE.value,
            role=g.role,
            unit_id=g.unit_id,
            unit_label=unit_label(g),
            actor_id=actor.person_id,
            actor_label=actor.label,
            reason=reason,
            at=now,
        )
    remaining = await uow.people.roles(person)
    kept_roles = {r.role for r in remaining}
    if live_state is not None:
        prune_state(live_state, lost, kept_roles)
        return remaining
    stored, _version = await uow.conversations.load(person)
    state = FlowState.from_json(stored)
    if prune_state(state, lost, kept_roles):
        await uow.conversations.save(person, state.to_json())
    await _notify(uow, person, grants, remaining, reason, now, default_locale, menus)
    return remaining


async def _notify(
    uow: UnitOfWork,
    person: PersonRow,
    grants: list[GrantRow],
    remaining: list[RoleRow],
    reason: str,
    now: datetime,
    default_locale: str,
    menus: Registry,
) -> None:
    """One short notice, with the keyboard and command menu that match what is left."""
    locale = person.language or default_locale

    def tr(msg: str) -> str:
        return t(locale, msg)

    lines = [th(locale, "Phòng Nội vụ has removed your access:")]
    lines += [fmt("• %(what)s", what=describe(g, locale)) for g in grants]
    lines.append(th(locale, "Reason: %(reason)s", reason=reason))
    if not remaining:
        lines.append(th(locale, "If this is a mistake, ask Phòng Nội vụ for a new invite."))
    payload = reply_json.encode(
        Reply(
            join_lines(lines),
            keyboard=menus.keyboard_for(roles_of(remaining), tr),
            commands=menus.commands_for(roles_of(remaining), tr),
        )
    )
    key = f"access:revoke:{person.id}:{now.isoformat()}:{','.join(str(g.grant_id) for g in grants)}"
    await uow.outbox.enqueue(key[:255], person.chat_id, payload, person=person.id, not_before=now)


async def grant_from_invite(
    uow: UnitOfWork,
    person: PersonRow,
    invite: InviteRow,
    label: str | None,
    now: datetime,
) -> None:
    """Give the invite's role and write it into the same audit history as revocations."""
    await uow.people.grant(person.id, invite.role, invite.unit_id, invite.created_by)
    await uow.access.record(
        person_id=person.id,
        action=AccessAction.GRANT.value,
        role=invite.role,
        unit_id=invite.unit_id,
        unit_label=label,
        actor_id=invite.created_by,
        actor_label="invite",
        reason=f"invite #{invite.id}",
        at=now,
    )
