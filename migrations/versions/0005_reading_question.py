"""the question a message left open: the readings offered, until the lifter picks one

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:10:00

* `workouts.question`: when a message reads two close ways (or as several sets, or as
  another exercise), the bot asks with one button per reading and stores nothing; the
  readings wait here as JSON, so a restart or a second worker still logs exactly the one
  picked. Cleared by the pick and by anything else that moves the workout on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.add_column(sa.Column("question", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.drop_column("question")
