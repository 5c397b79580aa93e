"""hot_revision: one number the database bumps when a unit's header changes

Revision ID: 0010_hotpath
Revises: 0003_scoring
Create Date: 2026-12-06

Every officer update used to read the unit, its period and its catalog (the whole 42 KB YAML),
its milestones and its submission.  Workers now cache that header per process; the cache is
valid while ``hot_revision.rev`` is unchanged, and the update reads that number in the same
statement as the person.  Triggers bump it whatever code path (or hand-written SQL) changes
units (other than ``results_rev``), periods, catalogs, milestones or submissions, so a change
made through one worker is seen by every other on its next update (issue 19).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_hotpath"
down_revision: str | Sequence[str] | None = "0003_scoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = ("units", "periods", "catalogs", "milestones", "submissions")
# results_rev is bumped on every answer: it must not invalidate the headers
UNIT_COLUMNS = "code, name, board, catalog_id, tags, period_id"

PG_FUNCTION = """
CREATE FUNCTION parbot_bump_hot_rev() RETURNS trigger AS $$
BEGIN
    UPDATE hot_revision SET rev = rev + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def _update_of(table: str) -> str:
    return f"UPDATE OF {UNIT_COLUMNS}" if table == "units" else "UPDATE"


def upgrade() -> None:
    op.create_table(
        "hot_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_hot_revision"),
    )
    op.execute("INSERT INTO hot_revision (id, rev) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in SOURCES:
            op.execute(
                f"CREATE TRIGGER {table}_hot_rev AFTER INSERT OR DELETE OR {_update_of(table)} "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION parbot_bump_hot_rev()"
            )
        return
    bump = "BEGIN UPDATE hot_revision SET rev = rev + 1; END"
    for table in SOURCES:
        for suffix, what in (("ins", "INSERT"), ("upd", _update_of(table)), ("del", "DELETE")):
            op.execute(f"CREATE TRIGGER {table}_hot_rev_{suffix} AFTER {what} ON {table} {bump}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_hot_rev ON {table}")
        op.execute("DROP FUNCTION IF EXISTS parbot_bump_hot_rev()")
    else:
        for table in SOURCES:
            for suffix in ("ins", "upd", "del"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_hot_rev_{suffix}")
    op.drop_table("hot_revision")
