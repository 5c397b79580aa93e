"""ORM models (SQLAlchemy 2 typed declarative) for parbot.

Portable between SQLite and PostgreSQL: points are ``Numeric(9, 3)`` (``Decimal`` in Python),
structured values are ``JSON``, times are :class:`~storage.types.UTCDateTime` (aware UTC),
Telegram ids are ``BigInteger``; enumerations are strings guarded by CHECK constraints, their
allowed values are the ``StrEnum`` classes below.  Constraint names follow ``NAMING_CONVENTION``
so that migrations are stable on both backends.

The schema is created by the Alembic migrations in ``storage/migrations`` (never by
``metadata.create_all`` in production); a test checks that models and migrations agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scoring.kinds import KIND_NAMES
from storage.enums import (  # re-exported: the models' column values
    AccessAction as AccessAction,
)
from storage.enums import (
    AnswerSource as AnswerSource,
)
from storage.enums import (
    AppraisalStatus as AppraisalStatus,
)
from storage.enums import (
    Audience as Audience,
)
from storage.enums import (
    BoardCode as BoardCode,
)
from storage.enums import (
    HistorySource as HistorySource,
)
from storage.enums import (
    ItemSection as ItemSection,
)
from storage.enums import (
    Language as Language,
)
from storage.enums import (
    MilestoneKind as MilestoneKind,
)
from storage.enums import (
    OutboxKind as OutboxKind,
)
from storage.enums import (
    OutboxStatus as OutboxStatus,
)
from storage.enums import (
    Precision as Precision,
)
from storage.enums import (
    Role as Role,
)
from storage.enums import (
    SignatureStatus as SignatureStatus,
)
from storage.enums import (
    SubmissionStatus as SubmissionStatus,
)
from storage.types import UTCDateTime, utcnow

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

POINTS = Numeric(9, 3)
"""Column type of every points value (three decimals: 0,125; ``Decimal`` in Python)."""


# --------------------------------------------------------------------------- enumerations
# (defined in storage.enums, sqlalchemy-free; re-exported here)


def _in(column: str, values: Iterable[str], *, nullable: bool = False) -> str:
    """SQL for a CHECK constraint restricting ``column`` to ``values`` (a ``StrEnum``, or the
    answer kinds of the scoring registry)."""
    allowed = ", ".join(f"'{v}'" for v in values)
    expr = f"{column} IN ({allowed})"
    return f"{column} IS NULL OR {expr}" if nullable else expr


# --------------------------------------------------------------------------- base


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        # only already-loaded values: a lazy load here would fail outside a greenlet
        loaded = sa_inspect(self).dict
        cols = ", ".join(
            f"{c.key}={loaded.get(c.key, '?')!r}"
            for c in self.__table__.columns
            if c.primary_key or c.key in ("code", "year", "key", "status")
        )
        return f"<{type(self).__name__} {cols}>"


# --------------------------------------------------------------------------- periods, catalogs


class Period(Base):
    """One assessment year (kỳ đánh giá)."""

    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Board(Base):
    """Ranking board (bảng xếp hạng): department and commune are inserted by the initial
    migration; any other board a catalog declares (district, branch…) when it is imported."""

    __tablename__ = "boards"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))


class Catalog(Base):
    """A criteria set (bộ chỉ số) imported for one period; ``source_yaml`` is authoritative."""

    __tablename__ = "catalogs"
    __table_args__ = (UniqueConstraint("period_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    boards: Mapped[list[str]] = mapped_column(JSON)
    source_yaml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CatalogItem(Base):
    """One node of a catalog's item tree (field, criterion, sub-criterion, bonus/penalty item)."""

    __tablename__ = "catalog_items"
    __table_args__ = (
        UniqueConstraint("catalog_id", "code"),
        CheckConstraint(_in("kind", KIND_NAMES, nullable=True), name="kind"),
        CheckConstraint(_in("section", ItemSection), name="section"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    catalog_id: Mapped[int] = mapped_column(ForeignKey("catalogs.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    title: Mapped[str] = mapped_column(Text)
    max_points: Mapped[Decimal] = mapped_column(POINTS)
    kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    section: Mapped[str] = mapped_column(String(16), default=ItemSection.FIELD.value)
    position: Mapped[int] = mapped_column(Integer)
    is_leaf: Mapped[bool] = mapped_column(Boolean)


class CatalogMapping(Base):
    """How the previous period's criteria map onto this period's (the mapping file, as
    imported); year-over-year comparisons read it.  One per period."""

    __tablename__ = "catalog_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("periods.id", ondelete="CASCADE"), unique=True
    )
    from_period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    source_yaml: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --------------------------------------------------------------------------- units, people


class Unit(Base):
    """An assessed unit (department or commune) in one period."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("period_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    board: Mapped[str] = mapped_column(String(32), ForeignKey("boards.code"))
    catalog_id: Mapped[int | None] = mapped_column(ForeignKey("catalogs.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the unit's tags (phuong, mot_cua…) that catalog items' applies_to select on (migration 0003)
    tags: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # Bumped by database triggers on every change to the unit's answers, appraisals and survey
    # points (migration 0002), so a stored result knows whether it is still current whatever
    # code path (or SQL) wrote.  Read it with a column query: the ORM attribute of an already
    # loaded Unit is not refreshed when a trigger changes it.
    results_rev: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class HotRevision(Base):
    """One row whose ``rev`` the database bumps (triggers of migration 0010) whenever a unit's
    header changes: units (not their ``results_rev``), periods, catalogs, milestones and
    submissions.  Per-process caches of unit headers are valid while it is unchanged, so
    several workers never serve a stale unit name, catalog or submission status."""

    __tablename__ = "hot_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class UnitResultRow(Base):
    """The last computed result summary of a unit (a cache; safe to delete at any time).

    Current only while ``rev`` equals ``units.results_rev``, ``catalog_sha256`` the unit's
    catalog content and ``formula`` the scoring code's ``FORMULA_VERSION``."""

    __tablename__ = "unit_results"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    rev: Mapped[int] = mapped_column(Integer)
    catalog_sha256: Mapped[str] = mapped_column(String(64))
    formula: Mapped[int] = mapped_column(Integer)
    # what ranking needs, as columns; the rest (fields, counts) as JSON text, decoded only when
    # a caller looks at it
    index: Mapped[Decimal] = mapped_column(POINTS)
    index_low: Mapped[Decimal] = mapped_column(POINTS)
    index_high: Mapped[Decimal] = mapped_column(POINTS)
    summary: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --------------------------------------------------------------------------- publications


class Publication(Base):
    """One publication (công bố) of a period: the frozen snapshot the official figures are read
    from forever after.  Re-publishing after an unpublish adds version 2, 3, …; earlier versions
    are kept with ``withdrawn_at`` set, so a later year's comparison (or a dispute) can read
    exactly what was announced.  ``catalogs`` holds every catalog's YAML as published, so the
    snapshot reads even after the catalog is re-imported."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("period_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    missing: Mapped[dict[str, Any]] = mapped_column(JSON)  # the readiness at publication
    catalogs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # code, sha256, boards, yaml
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PublishedUnit(Base):
    """One unit's figures in a publication.  Code, name and board are copied (a unit renamed
    or re-boarded later still reads as published); ``items`` is every leaf's points as
    ``{code: [points, self, appraised, survey, source]}`` (strings, exact), for the unit's
    sheet and year-over-year comparisons by criterion."""

    __tablename__ = "published_units"
    __table_args__ = (
        UniqueConstraint("publication_id", "unit_code"),
        Index(None, "unit_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), nullable=True
    )
    unit_code: Mapped[str] = mapped_column(String(64))
    unit_name: Mapped[str] = mapped_column(String(500))
    board: Mapped[str] = mapped_column(String(32))
    catalog_code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # submission status before publication
    index: Mapped[Decimal] = mapped_column(POINTS)
    index_low: Mapped[Decimal] = mapped_column(POINTS)
    index_high: Mapped[Decimal] = mapped_column(POINTS)
    rank: Mapped[int] = mapped_column(Integer)
    of: Mapped[int] = mapped_column(Integer)
    best_rank: Mapped[int] = mapped_column(Integer)
    worst_rank: Mapped[int] = mapped_column(Integer)
    class_rank: Mapped[int] = mapped_column(Integer)
    classification: Mapped[str] = mapped_column(Text)
    class_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    basis: Mapped[str] = mapped_column(String(16))  # full | rescaled | zero (survey basis)
    summary: Mapped[str] = mapped_column(Text)  # ResultSummary JSON
    items: Mapped[dict[str, Any]] = mapped_column(JSON)


class PublicationEvent(Base):
    """The audit history of publication: who published, forced, or unpublished a period, when
    and why (the person's name is copied, so the history reads after they leave)."""

    __tablename__ = "publication_events"
    __table_args__ = (
        Index(None, "period_id"),
        CheckConstraint("action IN ('publish', 'unpublish')", name="action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    publication_id: Mapped[int | None] = mapped_column(
        ForeignKey("publications.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(255))  # "cli", or the admin's name
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Person(Base):
    """A Telegram user known to the bot."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint(_in("language", Language, nullable=True), name="language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    full_name: Mapped[str] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    unreachable_reason: Mapped[str | None] = mapped_column(String(255), nullable=True)


class RoleGrant(Base):
    """A role of a person, for one unit or (``unit_id`` NULL) for all units.

    ``UNIQUE(person_id, unit_id, role)`` does not stop duplicates when ``unit_id`` is NULL
    (NULLs are distinct), so a partial unique index covers that case on both backends.
    """

    __tablename__ = "roles"
    __table_args__ = (
        UniqueConstraint("person_id", "unit_id", "role"),
        Index(
            "uq_roles_person_id_role_all_units",
            "person_id",
            "role",
            unique=True,
            sqlite_where=text("unit_id IS NULL"),
            postgresql_where=text("unit_id IS NULL"),
        ),
        CheckConstraint(_in("role", Role), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), nullable=True
    )
    role: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)


class AppraiserAssignment(Base):
    """Which fields (lĩnh vực) an appraiser appraises in a period (``board`` NULL = all)."""

    __tablename__ = "appraiser_assignments"
    __table_args__ = (
        UniqueConstraint("person_id", "period_id", "board", "field_code"),
        Index(
            "uq_appraiser_assignments_all_boards",
            "person_id",
            "period_id",
            "field_code",
            unique=True,
            sqlite_where=text("board IS NULL"),
            postgresql_where=text("board IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    board: Mapped[str | None] = mapped_column(String(32), ForeignKey("boards.code"), nullable=True)
    field_code: Mapped[str] = mapped_column(String(32))


class Invite(Base):
    """A one-time invitation code; only its SHA-256 is stored."""

    __tablename__ = "invites"
    __table_args__ = (CheckConstraint(_in("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("periods.id"), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    # an officer or leader who already holds another unit may keep both (default: they are
    # asked to move, and the old role ends)
    allow_second_unit: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )


class AccessEvent(Base):
    """The audit history of roles: who gave or took which role of whom, when and why.

    Unit code and name are copied, so the history still reads after a unit is renamed; the
    person's name too, for a departed officer."""

    __tablename__ = "access_events"
    __table_args__ = (
        Index(None, "person_id"),
        CheckConstraint(_in("action", AccessAction), name="action"),
        CheckConstraint(_in("role", Role), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), nullable=True
    )
    unit_label: Mapped[str | None] = mapped_column(String(600), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    actor_label: Mapped[str] = mapped_column(String(255))  # "cli", or the admin's name
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InviteFailure(Base):
    """One wrong invite code typed by a person: the throttle counts these, so it holds across
    restarts and webhook workers."""

    __tablename__ = "invite_failures"
    __table_args__ = (Index(None, "person_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --------------------------------------------------------------------------- answers


class Answer(Base):
    """The declared value (số liệu kê khai) of one leaf item for one unit.

    ``version`` is the SQLAlchemy version counter: it starts at 1, increases on every UPDATE,
    and a concurrent change makes the flush fail with ``StaleDataError``.
    """

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("unit_id", "item_id"),
        CheckConstraint(_in("source", AnswerSource), name="source"),
        # the cold ranking's GROUP BY item, value in one pass (migration 0011_ranking);
        # PostgreSQL cannot index json and hash-aggregates instead
        Index("ix_answers_item_value", "item_id", "value", "unit_id").ddl_if(dialect="sqlite"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_items.id"))
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    points: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AnswerHistory(Base):
    """Every change of an answer, appraisal or survey points (old → new)."""

    __tablename__ = "answer_history"
    __table_args__ = (
        Index(None, "unit_id", "item_id"),
        CheckConstraint(_in("source", HistorySource), name="source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_items.id"))
    old_value: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    new_value: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    old_points: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    new_points: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(16))


class Explanation(Base):
    """The latest explanation (báo cáo giải trình) for one item of one unit."""

    __tablename__ = "explanations"
    __table_args__ = (UniqueConstraint("unit_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_items.id"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Base):
    """An evidence file (tài liệu kiểm chứng) attached to one item; content in EvidenceStore."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("unit_id", "item_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_items.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mime: Mapped[str] = mapped_column(String(127))
    signature_status: Mapped[str] = mapped_column(String(32))
    signer: Mapped[str | None] = mapped_column(Text, nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signature_detail: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    telegram_file_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    section_ref: Mapped[str | None] = mapped_column(String(255), nullable=True)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)


# --------------------------------------------------------------------------- workflow


class Submission(Base):
    """Workflow state of one unit's self-assessment."""

    __tablename__ = "submissions"
    __table_args__ = (CheckConstraint(_in("status", SubmissionStatus), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=SubmissionStatus.DRAFT.value)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    index_at_submit: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)


class SubmissionEvent(Base):
    """History of submission status changes."""

    __tablename__ = "submission_events"
    __table_args__ = (
        Index(None, "unit_id"),
        CheckConstraint(_in("status", SubmissionStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Appraisal(Base):
    """The appraisal council's verdict (thẩm định) on one item of one unit."""

    __tablename__ = "appraisals"
    __table_args__ = (
        UniqueConstraint("unit_id", "item_id"),
        CheckConstraint(_in("status", AppraisalStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_items.id"))
    points: Mapped[Decimal | None] = mapped_column(POINTS, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    appraiser_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyPoints(Base):
    """Points of a ``survey`` item (ĐTXHH) imported after the survey."""

    __tablename__ = "survey_points"
    __table_args__ = (UniqueConstraint("unit_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_items.id"))
    points: Mapped[Decimal] = mapped_column(POINTS)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Milestone(Base):
    """A dated step of the yearly plan (kế hoạch)."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("period_id", "key"),
        CheckConstraint(_in("kind", MilestoneKind), name="kind"),
        CheckConstraint(_in("precision", Precision), name="precision"),
        CheckConstraint(_in("audience", Audience), name="audience"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    due_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_end: Mapped[date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(16))
    lead: Mapped[str | None] = mapped_column(Text, nullable=True)
    coordinate: Mapped[str | None] = mapped_column(Text, nullable=True)
    audience: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    reminder_days: Mapped[list[int] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class PlanSection(Base):
    """A numbered part of the plan's text ("III. KINH PHÍ THỰC HIỆN"), kept from the import
    so rule questions ("phải ký số không?") are answered with the plan's own sentence."""

    __tablename__ = "plan_sections"
    __table_args__ = (UniqueConstraint("period_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(32))
    heading: Mapped[str] = mapped_column(Text)
    sentences: Mapped[list[str]] = mapped_column(JSON)


class PlanQuestion(Base):
    """A question the plan did not answer, kept so Nội vụ sees what officers need to know."""

    __tablename__ = "plan_questions"
    __table_args__ = (Index(None, "period_id", "asked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(32))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --------------------------------------------------------------------------- messaging


class Broadcast(Base):
    """A notice written by an admin, fanned out to the outbox once confirmed."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("periods.id"), nullable=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    document_path: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutboxMessage(Base):
    """A message to send through Telegram, idempotent by ``key``."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index(None, "status", "not_before"),
        Index(None, "broadcast_id"),
        CheckConstraint(_in("kind", OutboxKind), name="kind"),
        CheckConstraint(_in("status", OutboxStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16), default=OutboxKind.MESSAGE.value)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id"), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ProcessedUpdate(Base):
    """Telegram update ids already handled (deduplication of webhook/polling redelivery)."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index(None, "processed_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationState(Base):
    """Durable per-person chat state, read on every update; ``version`` guards lost updates."""

    __tablename__ = "conversation_state"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


__all__ = [
    "NAMING_CONVENTION",
    "POINTS",
    "AccessAction",
    "AccessEvent",
    "Answer",
    "AnswerHistory",
    "AnswerSource",
    "Appraisal",
    "AppraisalStatus",
    "AppraiserAssignment",
    "Audience",
    "Base",
    "Board",
    "BoardCode",
    "Broadcast",
    "Catalog",
    "CatalogItem",
    "CatalogMapping",
    "ConversationState",
    "Evidence",
    "Explanation",
    "HistorySource",
    "Invite",
    "InviteFailure",
    "ItemSection",
    "Language",
    "Milestone",
    "MilestoneKind",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "Period",
    "Person",
    "Precision",
    "ProcessedUpdate",
    "Publication",
    "PublicationEvent",
    "PublishedUnit",
    "Role",
    "RoleGrant",
    "SignatureStatus",
    "Submission",
    "SubmissionEvent",
    "SubmissionStatus",
    "SurveyPoints",
    "Unit",
]
