"""catalog mappings: how last year's criteria correspond to this year's

Revision ID: 0008_years
Revises: 0009_ask
Create Date: 2026-12-06

Year-over-year comparisons need to know which criterion of the previous catalog became which
criterion of the new one (renamed, re-coded, split, merged, new maximum; issue 17).
``catalog_mappings`` keeps, per period, the mapping file the admin checked (YAML as imported,
so it can be exported, corrected and imported again); without a row the mapping is worked
out from the two catalogs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_years"
down_revision: str | Sequence[str] | None = "0009_ask"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalog_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("from_period_id", sa.Integer(), nullable=False),
        sa.Column("source_yaml", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_mappings"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name="fk_catalog_mappings_period_id_periods",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_period_id"],
            ["periods.id"],
            name="fk_catalog_mappings_from_period_id_periods",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("period_id", name="uq_catalog_mappings_period_id"),
    )


def downgrade() -> None:
    op.drop_table("catalog_mappings")
