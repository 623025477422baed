"""a lifter's workouts by start, and their sets by id

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:40:00

Every message of a workout reads when the lifter's first workout started; through the
index on `user_id` alone that read all of their workouts (0.48 ms a message on SQLite
for a lifter with 5,000, years of imported history), through (user_id, started_at) it
is one probe. /export, /prs and /progress read a lifter's sets a page at a time by id;
(user_id, id) makes each page a range of the index, where PostgreSQL otherwise sorted the
whole history for every page until it had statistics for a fresh import. Each new index
leads with `user_id`, so it replaces the index on `user_id` alone.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table, the index on user_id alone, the index that replaces it and its columns
_REPLACED = (
    (
        "workouts",
        "ix_workouts_user_id",
        "ix_workouts_user_id_started_at",
        ["user_id", "started_at"],
    ),
    ("workout_sets", "ix_workout_sets_user_id", "ix_workout_sets_user_id_id", ["user_id", "id"]),
    ("other_sets", "ix_other_sets_user_id", "ix_other_sets_user_id_id", ["user_id", "id"]),
)


def upgrade() -> None:
    for table, old, new, columns in _REPLACED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(new, columns, unique=False)
            batch_op.drop_index(old)


def downgrade() -> None:
    for table, old, new, _columns in _REPLACED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(old, ["user_id"], unique=False)
            batch_op.drop_index(new)
