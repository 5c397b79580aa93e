"""initial schema

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand against storage/models.py; every constraint is named explicitly (the names the
models' naming convention produces), types are portable (SQLite and PostgreSQL), times are
``DateTime(timezone=True)`` holding UTC, points ``Numeric(8, 2)``.  A test compares this
migration with the models (alembic.autogenerate.compare_metadata) on both backends.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POINTS = sa.Numeric(8, 2)


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _in(column: str, values: Sequence[str], *, nullable: bool = False) -> str:
    expr = f"{column} IN ({', '.join(repr(v) for v in values)})"
    return f"{column} IS NULL OR {expr}" if nullable else expr


ROLES = ("officer", "leader", "appraiser", "admin")
ANSWER_SOURCES = ("chat", "import", "admin")
HISTORY_SOURCES = ("chat", "import", "admin", "appraisal", "survey")
SUBMISSION_STATUSES = ("draft", "submitted", "reopened", "appraised", "published")


def upgrade() -> None:
    # ------------------------------------------------------------------ reference tables
    op.create_table(
        "boards",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name_vi", sa.String(255), nullable=False),
        sa.Column("name_en", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_boards"),
    )
    boards = sa.table(
        "boards", sa.column("code", sa.String), sa.column("name_vi"), sa.column("name_en")
    )
    op.bulk_insert(
        boards,
        [
            {
                "code": "department",
                "name_vi": "Bảng 1: Cơ quan chuyên môn",
                "name_en": "Board 1: Specialised departments",
            },
            {
                "code": "commune",
                "name_vi": "Bảng 2: UBND xã, phường",
                "name_en": "Board 2: Commune People's Committees",
            },
        ],
    )

    op.create_table(
        "periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        _ts("created_at"),
        _ts("published_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_periods"),
        sa.UniqueConstraint("year", name="uq_periods_year"),
    )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("full_name", sa.String(255), nullable=False),
        sa.Column("username", sa.String(64), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        _ts("created_at"),
        _ts("unreachable_at", nullable=True),
        sa.Column("unreachable_reason", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("telegram_user_id", name="uq_people_telegram_user_id"),
        sa.CheckConstraint(_in("language", ("vi", "en"), nullable=True), name="ck_people_language"),
    )

    # ------------------------------------------------------------------ catalogs
    op.create_table(
        "catalogs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("boards", sa.JSON(), nullable=False),
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _ts("imported_at"),
        sa.PrimaryKeyConstraint("id", name="pk_catalogs"),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], name="fk_catalogs_period_id_periods"
        ),
        sa.UniqueConstraint("period_id", "code", name="uq_catalogs_period_id_code"),
    )

    op.create_table(
        "catalog_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalog_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("parent_code", sa.String(32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("max_points", POINTS, nullable=False),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("section", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_leaf", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_items"),
        sa.ForeignKeyConstraint(
            ["catalog_id"],
            ["catalogs.id"],
            name="fk_catalog_items_catalog_id_catalogs",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("catalog_id", "code", name="uq_catalog_items_catalog_id_code"),
        sa.CheckConstraint(
            _in("kind", ("choice", "ratio", "number", "date", "manual", "survey"), nullable=True),
            name="ck_catalog_items_kind",
        ),
        sa.CheckConstraint(
            _in("section", ("field", "bonus", "penalty")), name="ck_catalog_items_section"
        ),
    )

    # ------------------------------------------------------------------ units, roles, invites
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("board", sa.String(32), nullable=False),
        sa.Column("catalog_id", sa.Integer(), nullable=True),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], name="fk_units_period_id_periods"),
        sa.ForeignKeyConstraint(["board"], ["boards.code"], name="fk_units_board_boards"),
        sa.ForeignKeyConstraint(
            ["catalog_id"], ["catalogs.id"], name="fk_units_catalog_id_catalogs"
        ),
        sa.UniqueConstraint("period_id", "code", name="uq_units_period_id_code"),
    )

    op.create_table(
        "roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        _ts("granted_at"),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_roles"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_roles_person_id_people", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_roles_unit_id_units", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["granted_by"], ["people.id"], name="fk_roles_granted_by_people"),
        sa.UniqueConstraint("person_id", "unit_id", "role", name="uq_roles_person_id_unit_id_role"),
        sa.CheckConstraint(_in("role", ROLES), name="ck_roles_role"),
    )
    # NULL unit_id (all units) escapes the unique constraint above: a partial index covers it.
    op.create_index(
        "uq_roles_person_id_role_all_units",
        "roles",
        ["person_id", "role"],
        unique=True,
        sqlite_where=sa.text("unit_id IS NULL"),
        postgresql_where=sa.text("unit_id IS NULL"),
    )

    op.create_table(
        "appraiser_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("board", sa.String(32), nullable=True),
        sa.Column("field_code", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_appraiser_assignments"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_appraiser_assignments_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], name="fk_appraiser_assignments_period_id_periods"
        ),
        sa.ForeignKeyConstraint(
            ["board"], ["boards.code"], name="fk_appraiser_assignments_board_boards"
        ),
        sa.UniqueConstraint(
            "person_id",
            "period_id",
            "board",
            "field_code",
            name="uq_appraiser_assignments_person_id_period_id_board_field_code",
        ),
    )
    op.create_index(
        "uq_appraiser_assignments_all_boards",
        "appraiser_assignments",
        ["person_id", "period_id", "field_code"],
        unique=True,
        sqlite_where=sa.text("board IS NULL"),
        postgresql_where=sa.text("board IS NULL"),
    )

    op.create_table(
        "invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("used_at", nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_invites"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], name="fk_invites_period_id_periods"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_invites_unit_id_units"),
        sa.ForeignKeyConstraint(["used_by"], ["people.id"], name="fk_invites_used_by_people"),
        sa.ForeignKeyConstraint(["created_by"], ["people.id"], name="fk_invites_created_by_people"),
        sa.UniqueConstraint("code_hash", name="uq_invites_code_hash"),
        sa.CheckConstraint(_in("role", ROLES), name="ck_invites_role"),
    )

    # ------------------------------------------------------------------ answers and friends
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("points", POINTS, nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        _ts("updated_at"),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_answers_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["catalog_items.id"], name="fk_answers_item_id_catalog_items"
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["people.id"], name="fk_answers_updated_by_people"),
        sa.UniqueConstraint("unit_id", "item_id", name="uq_answers_unit_id_item_id"),
        sa.CheckConstraint(_in("source", ANSWER_SOURCES), name="ck_answers_source"),
    )

    op.create_table(
        "answer_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("old_points", POINTS, nullable=True),
        sa.Column("new_points", POINTS, nullable=True),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        _ts("changed_at"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answer_history"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_answer_history_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["catalog_items.id"], name="fk_answer_history_item_id_catalog_items"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["people.id"], name="fk_answer_history_changed_by_people"
        ),
        sa.CheckConstraint(_in("source", HISTORY_SOURCES), name="ck_answer_history_source"),
    )
    op.create_index("ix_answer_history_unit_id_item_id", "answer_history", ["unit_id", "item_id"])

    op.create_table(
        "explanations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_explanations"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_explanations_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["catalog_items.id"], name="fk_explanations_item_id_catalog_items"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name="fk_explanations_author_id_people"
        ),
        sa.UniqueConstraint("unit_id", "item_id", name="uq_explanations_unit_id_item_id"),
    )

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("mime", sa.String(127), nullable=False),
        sa.Column("signature_status", sa.String(32), nullable=False),
        sa.Column("signer", sa.Text(), nullable=True),
        _ts("signed_at", nullable=True),
        sa.Column("signature_detail", sa.JSON(), nullable=True),
        sa.Column("telegram_file_id", sa.String(255), nullable=True),
        sa.Column("section_ref", sa.String(255), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        _ts("uploaded_at"),
        _ts("removed_at", nullable=True),
        sa.Column("removed_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_evidence"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_evidence_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["catalog_items.id"], name="fk_evidence_item_id_catalog_items"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["people.id"], name="fk_evidence_uploaded_by_people"
        ),
        sa.ForeignKeyConstraint(
            ["removed_by"], ["people.id"], name="fk_evidence_removed_by_people"
        ),
        sa.UniqueConstraint(
            "unit_id", "item_id", "sha256", name="uq_evidence_unit_id_item_id_sha256"
        ),
    )

    # ------------------------------------------------------------------ workflow
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _ts("submitted_at", nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        _ts("updated_at"),
        sa.Column("index_at_submit", POINTS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_submissions_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["people.id"], name="fk_submissions_submitted_by_people"
        ),
        sa.UniqueConstraint("unit_id", name="uq_submissions_unit_id"),
        sa.CheckConstraint(_in("status", SUBMISSION_STATUSES), name="ck_submissions_status"),
    )

    op.create_table(
        "submission_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _ts("created_at"),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_submission_events"),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_submission_events_unit_id_units"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["people.id"], name="fk_submission_events_created_by_people"
        ),
        sa.CheckConstraint(_in("status", SUBMISSION_STATUSES), name="ck_submission_events_status"),
    )
    op.create_index("ix_submission_events_unit_id", "submission_events", ["unit_id"])

    op.create_table(
        "appraisals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("points", POINTS, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("appraiser_id", sa.Integer(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_appraisals"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_appraisals_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["catalog_items.id"], name="fk_appraisals_item_id_catalog_items"
        ),
        sa.ForeignKeyConstraint(
            ["appraiser_id"], ["people.id"], name="fk_appraisals_appraiser_id_people"
        ),
        sa.UniqueConstraint("unit_id", "item_id", name="uq_appraisals_unit_id_item_id"),
        sa.CheckConstraint(
            _in("status", ("accepted", "adjusted", "more_evidence", "pending")),
            name="ck_appraisals_status",
        ),
    )

    op.create_table(
        "survey_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("points", POINTS, nullable=False),
        _ts("imported_at"),
        sa.PrimaryKeyConstraint("id", name="pk_survey_points"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_survey_points_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["catalog_items.id"], name="fk_survey_points_item_id_catalog_items"
        ),
        sa.UniqueConstraint("unit_id", "item_id", name="uq_survey_points_unit_id_item_id"),
    )

    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("due_start", sa.Date(), nullable=True),
        sa.Column("due_end", sa.Date(), nullable=False),
        sa.Column("precision", sa.String(16), nullable=False),
        sa.Column("lead", sa.Text(), nullable=True),
        sa.Column("coordinate", sa.Text(), nullable=True),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("reminder_days", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_milestones"),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], name="fk_milestones_period_id_periods"
        ),
        sa.UniqueConstraint("period_id", "key", name="uq_milestones_period_id_key"),
        sa.CheckConstraint(
            _in("kind", ("self_assessment", "survey", "appraisal", "publication", "other")),
            name="ck_milestones_kind",
        ),
        sa.CheckConstraint(
            _in("precision", ("day", "month", "range")), name="ck_milestones_precision"
        ),
        sa.CheckConstraint(
            _in("audience", ("all", "department", "commune", "admins")),
            name="ck_milestones_audience",
        ),
    )

    # ------------------------------------------------------------------ messaging
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("confirmed_at", nullable=True),
        sa.Column("document_path", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_broadcasts"),
        sa.ForeignKeyConstraint(
            ["period_id"], ["periods.id"], name="fk_broadcasts_period_id_periods"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name="fk_broadcasts_author_id_people"
        ),
    )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("not_before"),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("claimed_at", nullable=True),
        _ts("sent_at", nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        _ts("acknowledged_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_outbox_person_id_people", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["broadcast_id"], ["broadcasts.id"], name="fk_outbox_broadcast_id_broadcasts"
        ),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
        sa.CheckConstraint(_in("kind", ("message", "document", "photo")), name="ck_outbox_kind"),
        sa.CheckConstraint(
            _in("status", ("pending", "sending", "sent", "failed", "unreachable")),
            name="ck_outbox_status",
        ),
    )
    op.create_index("ix_outbox_status_not_before", "outbox", ["status", "not_before"])
    op.create_index("ix_outbox_broadcast_id", "outbox", ["broadcast_id"])

    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        _ts("processed_at"),
        sa.PrimaryKeyConstraint("update_id", name="pk_processed_updates"),
    )
    op.create_index("ix_processed_updates_processed_at", "processed_updates", ["processed_at"])

    op.create_table(
        "conversation_state",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        _ts("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_conversation_state"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_conversation_state_person_id_people",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    for table in (
        "conversation_state",
        "processed_updates",
        "outbox",
        "broadcasts",
        "milestones",
        "survey_points",
        "appraisals",
        "submission_events",
        "submissions",
        "evidence",
        "explanations",
        "answer_history",
        "answers",
        "invites",
        "appraiser_assignments",
        "roles",
        "units",
        "catalog_items",
        "catalogs",
        "people",
        "periods",
        "boards",
    ):
        op.drop_table(table)
