"""The chat's routes as data: which command, button family and typed-input mode exists, who may
use it, and how it shows in /help, the "/" menu and the reply keyboard.

The entry points register themselves in ``handlers/routes`` (one module per command family);
the composition root builds one :class:`Registry` and hands it to the engine, which routes every
update through it (a file by the command in its caption). So the role check happens in one
place (``conversations.router``), and /help, the per-person command menu, the reply keyboard and
the authorization matrix test are all read off the same declarations instead of being kept in
step by hand.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, Protocol, TypeVar

from conversations.flow_state import ModeFamily
from scoring.i18n import N_

Translate = Callable[[str], str]
RouteKind = Literal["command", "button", "mode", "file"]
Fn = TypeVar("Fn", bound=Callable[..., Awaitable[Any]])
Text = TypeVar("Text", bound=str)

NOT_JOINED = N_(
    "You are not registered with any unit yet. Open the invite link from Phòng Nội vụ to join."
)
NOT_YOURS = N_("This is not among what your role can do.")
NOT_YOUR_BUTTON = N_("This button is not for your role. Type /help to see what you can do.")


KEYBOARD_ROWS = 2  # a phone's screen: the keyboard stays below a quarter of it
ROW_WIDTH = 3  # short labels to a row; four when a person holds every role
LANGUAGE_KEY = "🌐 Language"  # the first to make way on a full keyboard


class Role(StrEnum):
    """What a person acts as. Officers and leaders belong to a unit; whether it is *this* unit
    is a check on data that stays with the handler."""

    OFFICER = "officer"
    LEADER = "leader"
    APPRAISER = "appraiser"
    ADMIN = "admin"


OFFICER, LEADER, APPRAISER, ADMIN = Role.OFFICER, Role.LEADER, Role.APPRAISER, Role.ADMIN


class RoleLike(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def unit_id(self) -> int | None: ...


def roles_of(grants: Iterable[RoleLike]) -> frozenset[Role]:
    """The roles a person's grants give: an officer or leader grant counts with a unit only."""
    out: set[Role] = set()
    for g in grants:
        if g.role in (OFFICER, LEADER) and g.unit_id is None:
            continue
        if g.role in Role.__members__.values():
            out.add(Role(g.role))
    return frozenset(out)


@dataclass(frozen=True)
class Route:
    """One entry point. ``roles`` None: anyone, even someone who has not joined.

    ``help`` holds the /help lines as (msgid, roles it is shown to); ``menu`` the "/" menu's
    description; ``key`` the reply-keyboard label (``pinned``: its place on the last row).
    ``shown_to`` narrows where help, menu and key appear when a role may use the route only
    under a setting (officers and /rank). ``refusal`` says who does this; ``stranger`` what
    someone who has not joined is told (default: how to join)."""

    kind: RouteKind
    name: str
    roles: frozenset[Role] | None
    handler: Callable[..., Awaitable[Any]]
    help: tuple[tuple[str, frozenset[Role] | None], ...] = ()
    menu: str | None = None
    key: str | None = None
    pinned: int | None = None
    shown_to: frozenset[Role] | None = None
    refusal: str | None = None
    stranger: str | None = None

    def allows(self, roles: Collection[Role]) -> bool:
        return self.roles is None or bool(self.roles & set(roles))

    def shown(self, roles: Collection[Role]) -> bool:
        audience = self.shown_to if self.shown_to is not None else self.roles
        return audience is None or bool(audience & set(roles))


HelpSpec = str | Sequence[tuple[str, Collection[Role] | None]]


class Registry:
    """Every route of the chat, in the order /help and the menus list them."""

    def __init__(self) -> None:
        self._routes: dict[tuple[RouteKind, str], Route] = {}

    def command(
        self,
        name: str,
        *,
        roles: Collection[Role] | None,
        help: HelpSpec = (),
        menu: str | None = None,
        key: str | None = None,
        pinned: int | None = None,
        shown_to: Collection[Role] | None = None,
        refusal: str | None = None,
        stranger: str | None = None,
        aliases: Sequence[str] = (),
    ) -> Callable[[Fn], Fn]:
        """Register ``fn(ctx, args)`` as /``name`` (and its ``aliases``)."""
        role_set = _set(roles)
        audience = _set(shown_to) if shown_to is not None else role_set
        lines = ((help, audience),) if isinstance(help, str) else tuple(help)
        helps = tuple((msg, _set(who)) for msg, who in lines)

        def add(fn: Fn) -> Fn:
            for i, each in enumerate((name, *aliases)):
                self._add(
                    Route(
                        "command",
                        each,
                        role_set,
                        fn,
                        help=helps if i == 0 else (),
                        menu=menu if i == 0 else None,
                        key=key if i == 0 else None,
                        pinned=pinned,
                        shown_to=_set(shown_to),
                        refusal=refusal,
                        stranger=stranger,
                    )
                )
            return fn

        return add

    def button(
        self, *heads: str, roles: Collection[Role] | None, refusal: str | None = None
    ) -> Callable[[Fn], Fn]:
        """Register ``fn(ctx, parts)`` for callback data whose first field is one of ``heads``."""

        def add(fn: Fn) -> Fn:
            for head in heads:
                self._add(Route("button", head, _set(roles), fn, refusal=refusal))
            return fn

        return add

    def mode(
        self, prefix: ModeFamily, *, roles: Collection[Role] | None, refusal: str | None = None
    ) -> Callable[[Fn], Fn]:
        """Register ``fn(ctx, text) -> handled`` for typed text while ``ctx.state.mode`` is of
        the family ``prefix`` (a :class:`~conversations.flow_state.ModeFamily`)."""

        def add(fn: Fn) -> Fn:
            self._add(Route("mode", prefix, _set(roles), fn, refusal=refusal))
            return fn

        return add

    def file(
        self, name: str, *, roles: Collection[Role] | None, refusal: str | None = None
    ) -> Callable[[Fn], Fn]:
        """Register ``fn(ctx, args)`` for a file sent with the caption /``name`` [args]."""

        def add(fn: Fn) -> Fn:
            self._add(Route("file", name, _set(roles), fn, refusal=refusal))
            return fn

        return add

    def _add(self, route: Route) -> None:
        key = (route.kind, route.name)
        if key in self._routes:
            raise ValueError(f"{route.kind} {route.name!r} is registered twice")
        self._routes[key] = route

    def extend(self, other: Registry) -> None:
        for route in other.routes():
            self._add(route)

    def find(self, kind: RouteKind, name: str) -> Route | None:
        return self._routes.get((kind, name))

    def routes(self, kind: RouteKind | None = None) -> list[Route]:
        return [r for r in self._routes.values() if kind is None or r.kind == kind]

    # ---- what a person sees, generated from the routes

    def help_lines(self, roles: Collection[Role], tr: Callable[[str], Text]) -> list[Text]:
        """/help: every line of every command this person may use, once, in route order."""
        msgids = [
            msg
            for route in self.routes("command")
            for msg, who in route.help
            if who is None or who & set(roles)
        ]
        return [tr(msg) for msg in dict.fromkeys(msgids)]

    def commands_for(self, roles: Collection[Role], tr: Translate) -> tuple[tuple[str, str], ...]:
        """The person's "/" menu (Telegram setMyCommands for their chat)."""
        return tuple(
            (r.name, tr(r.menu)) for r in self.routes("command") if r.menu and r.shown(roles)
        )

    def keyboard_for(self, roles: Collection[Role], tr: Translate) -> tuple[tuple[str, ...], ...]:
        """The reply keyboard: short buttons for what this person can do, in at most two rows
        so it takes little of a phone's screen (sent with resize_keyboard); the pinned ones
        (help, language) last. The language button makes way when the roles need the room;
        /lang stays in the command menu."""
        shown = [r for r in self.routes("command") if r.key and r.shown(roles)]
        free = [r.key for r in shown if r.key and r.pinned is None]
        pinned = [
            k
            for _place, k in sorted(
                (r.pinned, r.key) for r in shown if r.key and r.pinned is not None
            )
        ]
        keys = list(dict.fromkeys([*free, *pinned]))
        if len(keys) > KEYBOARD_ROWS * ROW_WIDTH and LANGUAGE_KEY in keys:
            keys.remove(LANGUAGE_KEY)
        width = max(ROW_WIDTH, -(-len(keys) // KEYBOARD_ROWS))
        labels = [tr(k) for k in keys]
        return tuple(tuple(labels[i : i + width]) for i in range(0, len(labels), width))

    def key_command(self, text: str, translations: Callable[[str], Iterable[str]]) -> str | None:
        """Which command a reply-keyboard label stands for, in any of its ``translations``."""
        stripped = text.strip()
        for route in self.routes("command"):
            if route.key and stripped in set(translations(route.key)):
                return route.name
        return None


def _set(roles: Collection[Role] | None) -> frozenset[Role] | None:
    return None if roles is None else frozenset(roles)
