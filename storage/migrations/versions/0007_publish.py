"""publication snapshots: versioned frozen results and their audit history

Revision ID: 0007_publish
Revises: 0004_access (0002 on the branch)
Create Date: 2026-12-06

Published results moved when the catalog was re-imported (issue 17): the figures were always
recomputed.  ``publications`` keeps every publication of a period (version 1, 2, … — an
unpublish withdraws one, re-publishing adds the next) with the catalogs' YAML as published;
``published_units`` holds each unit's index, rank, class and per-item points as announced;
``publication_events`` is the audit history (publish, unpublish, who, why).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_publish"
down_revision: str | Sequence[str] | None = "0004_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POINTS = sa.Numeric(8, 2)


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("published_at"),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("catalogs", sa.JSON(), nullable=False),
        _when("withdrawn_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_publications"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name="fk_publications_period_id_periods",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["people.id"], name="fk_publications_published_by_people"
        ),
        sa.UniqueConstraint("period_id", "version", name="uq_publications_period_id_version"),
    )
    op.create_table(
        "published_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(500), nullable=False),
        sa.Column("board", sa.String(32), nullable=False),
        sa.Column("catalog_code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("index", POINTS, nullable=False),
        sa.Column("index_low", POINTS, nullable=False),
        sa.Column("index_high", POINTS, nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("of", sa.Integer(), nullable=False),
        sa.Column("best_rank", sa.Integer(), nullable=False),
        sa.Column("worst_rank", sa.Integer(), nullable=False),
        sa.Column("class_rank", sa.Integer(), nullable=False),
        sa.Column("classification", sa.Text(), nullable=False),
        sa.Column("class_reason", sa.Text(), nullable=True),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_published_units"),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name="fk_published_units_publication_id_publications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_published_units_unit_id_units", ondelete="SET NULL"
        ),
        sa.UniqueConstraint(
            "publication_id", "unit_code", name="uq_published_units_publication_id_unit_code"
        ),
    )
    op.create_index("ix_published_units_unit_id", "published_units", ["unit_id"])
    op.create_table(
        "publication_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _when("at"),
        sa.PrimaryKeyConstraint("id", name="pk_publication_events"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name="fk_publication_events_period_id_periods",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name="fk_publication_events_publication_id_publications",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name="fk_publication_events_actor_id_people"
        ),
        sa.CheckConstraint(
            "action IN ('publish', 'unpublish')", name="ck_publication_events_action"
        ),
    )
    op.create_index("ix_publication_events_period_id", "publication_events", ["period_id"])


def downgrade() -> None:
    op.drop_index("ix_publication_events_period_id", table_name="publication_events")
    op.drop_table("publication_events")
    op.drop_index("ix_published_units_unit_id", table_name="published_units")
    op.drop_table("published_units")
    op.drop_table("publications")
