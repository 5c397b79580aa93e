"""access revocation: audit history of roles, invite flag, durable wrong-code throttle

Revision ID: 0004_access
Revises: 0002
Create Date: 2026-12-06

Nothing could take a role away (issue 18, finding 4): ``access_events`` records every grant
and revocation (who, when, what, why); ``invites.allow_second_unit`` is the admin's word that
an officer may hold a second unit.  ``invite_failures`` counts wrong invite codes per person in
the database (finding 9), so the throttle survives restarts and holds across webhook workers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_access"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("officer", "leader", "appraiser", "admin")
ACTIONS = ("grant", "revoke")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("invites") as batch:
        batch.add_column(
            sa.Column(
                "allow_second_unit", sa.Boolean(), nullable=False, server_default=sa.text("false")
            )
        )
    op.create_table(
        "access_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("unit_label", sa.String(600), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_access_events"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_access_events_person_id_people",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name="fk_access_events_unit_id_units", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["people.id"], name="fk_access_events_actor_id_people"
        ),
        sa.CheckConstraint(_in("action", ACTIONS), name="ck_access_events_action"),
        sa.CheckConstraint(_in("role", ROLES), name="ck_access_events_role"),
    )
    op.create_index("ix_access_events_person_id", "access_events", ["person_id"])
    op.create_table(
        "invite_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invite_failures"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_invite_failures_person_id_people",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_invite_failures_person_id_at", "invite_failures", ["person_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_invite_failures_person_id_at", table_name="invite_failures")
    op.drop_table("invite_failures")
    op.drop_index("ix_access_events_person_id", table_name="access_events")
    op.drop_table("access_events")
    with op.batch_alter_table("invites") as batch:
        batch.drop_column("allow_second_unit")
