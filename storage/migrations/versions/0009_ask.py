"""plan text and unanswered questions

Revision ID: 0009_ask
Revises: 0007_publish
Create Date: 2026-12-06

Deadline answers that know their limits (issue 17): ``plan_sections`` keeps the plan's
numbered text from the import, so rule questions ("phải ký số không?") are answered by quoting
the plan with its section number; ``plan_questions`` records the questions the plan did not
answer, so Phòng Nội vụ sees what officers ask (``parbot ask log``, /deadlines for admins).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ask"
down_revision: str | Sequence[str] | None = "0007_publish"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("sentences", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_sections"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name="fk_plan_sections_period_id_periods",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("period_id", "position", name="uq_plan_sections_period_id_position"),
    )
    op.create_table(
        "plan_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_questions"),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["periods.id"],
            name="fk_plan_questions_period_id_periods",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_plan_questions_person_id_people",
            ondelete="SET NULL",
        ),
    )
    op.create_index(
        "ix_plan_questions_period_id_asked_at", "plan_questions", ["period_id", "asked_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_plan_questions_period_id_asked_at", table_name="plan_questions")
    op.drop_table("plan_questions")
    op.drop_table("plan_sections")
