"""drop state nothing reads: a workout's pending weight and unit, a load's reason

`workouts.pending_weight` and `pending_unit` were never written; `exercise_loads.reason`
was written and never read (the reason is said when the set is logged, not stored).
`after_increase` stays: the workout state machine now sets it when a load was raised.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite drops a column by copying the table.
    with op.batch_alter_table("workouts") as batch:
        batch.drop_column("pending_weight")
        batch.drop_column("pending_unit")
    with op.batch_alter_table("exercise_loads") as batch:
        batch.drop_column("reason")


def downgrade() -> None:
    with op.batch_alter_table("exercise_loads") as batch:
        batch.add_column(
            sa.Column("reason", sa.String(length=160), nullable=False, server_default="")
        )
    with op.batch_alter_table("workouts") as batch:
        batch.add_column(sa.Column("pending_unit", sa.String(length=2), nullable=True))
        batch.add_column(
            sa.Column("pending_weight", sa.Numeric(precision=10, scale=4), nullable=True)
        )
