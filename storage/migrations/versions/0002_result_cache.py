"""stored result summaries, invalidated by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Standings of thousands of units used to re-score every answer on every /rank (16 s for
5,000 units × 120 items).  Each unit now keeps its last result summary in ``unit_results``;
``units.results_rev`` is bumped by triggers on ``answers``, ``appraisals`` and
``survey_points`` so that a summary is used only while nothing it depends on has changed —
whichever code path, import or hand-written SQL made the change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = ("answers", "appraisals", "survey_points")

PG_FUNCTION = """
CREATE FUNCTION parbot_bump_results_rev() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE units SET results_rev = results_rev + 1 WHERE id = OLD.unit_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.unit_id IS DISTINCT FROM OLD.unit_id) THEN
        UPDATE units SET results_rev = results_rev + 1 WHERE id = NEW.unit_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def _sqlite_triggers(table: str) -> list[str]:
    bump = "UPDATE units SET results_rev = results_rev + 1 WHERE id = {}.unit_id;"
    return [
        f"CREATE TRIGGER {table}_results_rev_ins AFTER INSERT ON {table} "
        f"BEGIN {bump.format('NEW')} END",
        f"CREATE TRIGGER {table}_results_rev_upd AFTER UPDATE ON {table} "
        f"BEGIN {bump.format('OLD')} "
        f"UPDATE units SET results_rev = results_rev + 1 "
        f"WHERE id = NEW.unit_id AND NEW.unit_id IS NOT OLD.unit_id; END",
        f"CREATE TRIGGER {table}_results_rev_del AFTER DELETE ON {table} "
        f"BEGIN {bump.format('OLD')} END",
    ]


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(
            sa.Column("results_rev", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    op.create_table(
        "unit_results",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("catalog_sha256", sa.String(64), nullable=False),
        sa.Column("formula", sa.Integer(), nullable=False),
        sa.Column("index", sa.Numeric(8, 2), nullable=False),
        sa.Column("index_low", sa.Numeric(8, 2), nullable=False),
        sa.Column("index_high", sa.Numeric(8, 2), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_unit_results_unit_id_units", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("unit_id", name="pk_unit_results"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in SOURCES:
            op.execute(
                f"CREATE TRIGGER {table}_results_rev AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION parbot_bump_results_rev()"
            )
    else:
        for table in SOURCES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_results_rev ON {table}")
        op.execute("DROP FUNCTION IF EXISTS parbot_bump_results_rev()")
    else:
        for table in SOURCES:
            for suffix in ("ins", "upd", "del"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_results_rev_{suffix}")
    op.drop_table("unit_results")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("results_rev")
