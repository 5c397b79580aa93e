"""three-decimal points, the proportional and deduction kinds, unit tags

Revision ID: 0003_scoring
Revises: 0008_years (given "0002"; chained after main's head when main was merged in)
Create Date: 2026-12-06

Criteria sets decide points such as 0,125 and 0,875, so every points column becomes
``Numeric(9, 3)``; ``catalog_items.kind`` accepts the two new answer kinds; ``units.tags``
holds the tags (phuong, mot_cua…) that items' ``applies_to`` select on.  Boards other than
department/commune are inserted when a catalog declaring them is imported.

On SQLite a type change rebuilds the table, which drops its triggers: the results_rev
triggers of migration 0002 are created again afterwards.
"""

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0003_scoring"
down_revision: str | Sequence[str] | None = "0008_years"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = sa.Numeric(8, 2), sa.Numeric(9, 3)
POINT_COLUMNS = {
    "catalog_items": ("max_points",),
    "unit_results": ("index", "index_low", "index_high"),
    "answers": ("points",),
    "answer_history": ("old_points", "new_points"),
    "submissions": ("index_at_submit",),
    "appraisals": ("points",),
    "survey_points": ("points",),
    "published_units": ("index", "index_low", "index_high"),
}
NULLABLE = {"max_points": False, "index": False, "index_low": False, "index_high": False}
OLD_KINDS = ("choice", "ratio", "number", "date", "manual", "survey")
NEW_KINDS = ("choice", "ratio", "proportional", "number", "deduction", "date", "manual", "survey")
TRIGGER_TABLES = ("answers", "appraisals", "survey_points")
KIND_CHECK = "ck_catalog_items_ck_catalog_items_kind"  # the name 0001 gave it


def _kind_check(kinds: Sequence[str]) -> str:
    allowed = ", ".join(f"'{k}'" for k in kinds)
    return f"kind IS NULL OR kind IN ({allowed})"


def _sqlite_triggers(table: str) -> list[str]:
    """The results_rev triggers of migration 0002 (a SQLite table rebuild drops them)."""
    bump = "UPDATE units SET results_rev = results_rev + 1 WHERE id = {}.unit_id;"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_results_rev_ins AFTER INSERT ON {table} "
        f"BEGIN {bump.format('NEW')} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_results_rev_upd AFTER UPDATE ON {table} "
        f"BEGIN {bump.format('OLD')} "
        f"UPDATE units SET results_rev = results_rev + 1 "
        f"WHERE id = NEW.unit_id AND NEW.unit_id IS NOT OLD.unit_id; END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_results_rev_del AFTER DELETE ON {table} "
        f"BEGIN {bump.format('OLD')} END",
    ]


def _points(old: sa.Numeric[Decimal], new: sa.Numeric[Decimal]) -> None:
    for table, columns in POINT_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    existing_type=old,
                    type_=new,
                    existing_nullable=NULLABLE.get(column, True),
                )
    if op.get_bind().dialect.name == "sqlite":
        for table in TRIGGER_TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)


def _kinds(old: Sequence[str], new: Sequence[str]) -> None:
    with op.batch_alter_table("catalog_items") as batch:
        batch.drop_constraint(op.f(KIND_CHECK), type_="check")
        batch.create_check_constraint(op.f(KIND_CHECK), _kind_check(new))


def upgrade() -> None:
    _points(OLD, NEW)
    _kinds(OLD_KINDS, NEW_KINDS)
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # rebuilding units trips over them; made again below
        for table in TRIGGER_TABLES:
            for suffix in ("ins", "upd", "del"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_results_rev_{suffix}")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("tags")
    op.execute("DELETE FROM catalog_items WHERE kind IN ('proportional', 'deduction')")
    _kinds(NEW_KINDS, OLD_KINDS)
    _points(NEW, OLD)
