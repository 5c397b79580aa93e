"""Everything one update's handling needs, loaded fresh from the database for that update."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as CalendarDate
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from conversations.flow_state import FlowState
from conversations.formats import Formats, FormatsMissing
from conversations.i18n import fmt_date, fmt_num, t, th, thn
from conversations.markup import Html, plain
from conversations.replies import Button, Event, Outcome, Reply
from conversations.routing import Registry, Role, roles_of
from storage.repositories.rows import PersonRow, RoleRow
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CoreConfig:
    bot_username: str = "parbot_demo_bot"
    timezone: str = "Asia/Ho_Chi_Minh"
    default_locale: str = "vi"
    officers_see_rank: bool = False
    data_dir: Path = Path("data")
    trust_roots_dir: Path | None = None
    risky_pdf: str = "refuse-active"  # see conversations.evidence_check.risk_policy.refuses
    expensive_every: float = 10.0  # seconds between two identical exports/charts per person
    wrong_codes_allowed: int = 5  # wrong invite codes per person within wrong_codes_window…
    wrong_codes_window: float = 600.0  # …seconds; then they wait (0 allowed = no limit)
    # the file formats (xlsx, charts, signatures, document text) from the composition root
    formats: Formats | None = None

    def need_formats(self) -> Formats:
        """The configured formats; :class:`FormatsMissing` if none were passed in."""
        if self.formats is None:
            raise FormatsMissing
        return self.formats

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Notice:
    """A message for someone other than the sender, written to the outbox in the same
    transaction as the change it reports."""

    key: str
    person: PersonRow
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()


@dataclass
class Ctx:
    uow: UnitOfWork
    event: Event
    person: PersonRow  # plain rows (issue 19): pass ``person.id`` to repositories
    roles: list[RoleRow]
    locale: str
    state: FlowState  # typed; stored as JSON by the engine (conversations.flow_state)
    now: datetime
    config: CoreConfig
    routes: Registry  # the chat's entry points, from the composition root
    out: Outcome = field(default_factory=Outcome)
    notices: list[Notice] = field(default_factory=list)
    file_data: bytes | None = None  # the event's file, downloaded before the transaction
    file_error: str | None = None  # why it could not be downloaded, if it could not
    header_rev: int | None = None  # hot_revision.rev read with the person (unit header caches)

    def tr(self, message: str, /, **params: object) -> Html:
        """``message`` in the person's language as HTML: parameters that are not
        :class:`~conversations.markup.Html` (names, titles, file names…) are escaped."""
        return th(self.locale, message, **params)

    def trn(self, singular: str, plural: str, n: int, /, **params: object) -> Html:
        """Like :meth:`tr` with the plural form ``n`` needs ("1 unit", "2 units"); ``%(n)s``
        is ``n``."""
        return thn(self.locale, singular, plural, n, **params)

    def text(self, message: str, /, **params: object) -> str:
        """``message`` as plain text, for places that show no HTML (chart labels)."""
        return t(self.locale, message, **params)

    def problem(self, message: str, params: dict[str, object]) -> Html:
        """A domain error in the person's language, numbers formatted their way ("0,25")."""
        fixed = {k: self._shown(v) for k, v in params.items()}
        return th(self.locale, message, **fixed)

    def _shown(self, value: object) -> object:
        """A parameter as this person reads it: numbers their way, labels in their language."""
        if isinstance(value, Decimal):
            return self.num(value)
        localized = getattr(value, "localized", None)
        return localized(self.locale) if callable(localized) else value

    def title(self, item: Any) -> str:
        """A catalog item's title in the person's language: its English title in English mode
        when the catalog gives one, else the Vietnamese title."""
        title_en = getattr(item, "title_en", None)
        return str(title_en) if self.locale == "en" and title_en else str(item.title)

    def points(self, value: Any) -> Html:
        """A number of points with its plural form: "1 point", "0.5 points" ("1 điểm")."""
        n = 1 if value == 1 else 2  # English: only exactly one is singular, decimals are plural
        return thn(self.locale, "%(points)s point", "%(points)s points", n, points=self.num(value))

    def num(self, value: Any) -> str:
        return fmt_num(value, self.locale)

    def date(self, value: Any) -> str:
        return fmt_date(value, self.locale)

    @property
    def today(self) -> CalendarDate:
        """Today where the bot works (the configured time zone), not where the server is."""
        return self.now.astimezone(self.config.tz).date()

    def say(self, text: str, **kw: Any) -> None:
        self.out.replies.append(Reply(text, **kw))

    def toast(self, text: str, alert: bool = False) -> None:
        self.out.toast = plain(text)  # a toast shows no formatting
        self.out.toast_alert = alert

    @property
    def is_callback(self) -> bool:
        return self.event.kind == "callback"

    def has_role(self, role: str, unit_id: int | None = None) -> bool:
        return any(
            r.role == role and (unit_id is None or r.unit_id in (unit_id, None)) for r in self.roles
        )

    @property
    def role_set(self) -> frozenset[Role]:
        """The roles the routes are checked against (which unit: the handlers' business)."""
        return roles_of(self.roles)

    @property
    def is_admin(self) -> bool:
        return any(r.role == "admin" for r in self.roles)

    def unit_ids(self, *roles: str) -> list[int]:
        return sorted({r.unit_id for r in self.roles if r.role in roles and r.unit_id is not None})
