"""answers grouped by value: a covering index for the cold ranking (SQLite)

Revision ID: 0011_ranking
Revises: 0010_hotpath
Create Date: 2026-12-06

Right after an import no unit has a stored result summary, and ``standings()`` re-scores every
unit from the catalog's answers grouped by distinct (item, value) with the units that gave each
(``ResultRepository.answer_groups``).  On SQLite that GROUP BY sorts 600,000 rows for 5,000
units × 120 items unless an index already holds them in that order: this one covers it, so the
statement is one pass over the index (bench/RESULTS.md, benchmark 3).  PostgreSQL cannot index
the ``json`` type and hash-aggregates instead, so the index is SQLite's only (the model declares
it with ``ddl_if(dialect="sqlite")``).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_ranking"
down_revision: str | Sequence[str] | None = "0010_hotpath"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_answers_item_value"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(INDEX, "answers", ["item_id", "value", "unit_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index(INDEX, table_name="answers")
