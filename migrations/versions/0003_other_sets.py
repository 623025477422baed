"""other exercises' sets kept from imports; import mappings; imported reps up to 500

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:05:00

* `other_sets`: sets of exercises in an imported file that are none of our lifts, kept
  as the lifter's own history (shown in /history, exported back) instead of dropped.
  A table of their own, so nothing that reasons about our lifts ever meets them.
* `pending_imports.mapping`: the names the lifter mapped to one of our lifts from the
  preview, as JSON, applied when the file is imported.
* `workout_sets` reps up to 500: imported history holds real high-rep sets (a 103-rep
  back extension); live input keeps its own limit of 100 in the parser.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "other_sets",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("workout_id", sa.BigInteger(), nullable=False),
        sa.Column("exercise_name", sa.String(length=128), nullable=False),
        sa.Column("set_number", sa.SmallInteger(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=10, scale=4), nullable=False),
        sa.Column("unit", sa.String(length=2), nullable=False),
        sa.Column("reps", sa.SmallInteger(), nullable=False),
        sa.Column("rir", sa.SmallInteger(), nullable=True),
        sa.Column("warmup", sa.Boolean(), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.String(length=512), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_other_sets_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workout_id"],
            ["workouts.id"],
            name=op.f("fk_other_sets_workout_id_workouts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_other_sets")),
        sa.UniqueConstraint(
            "user_id", "fingerprint", name=op.f("uq_other_sets_user_id_fingerprint")
        ),
    )
    op.create_index(op.f("ix_other_sets_user_id"), "other_sets", ["user_id"], unique=False)
    op.create_index(op.f("ix_other_sets_workout_id"), "other_sets", ["workout_id"], unique=False)
    with op.batch_alter_table("pending_imports") as batch:
        batch.add_column(sa.Column("mapping", sa.Text(), nullable=False, server_default="{}"))
    with op.batch_alter_table("workout_sets") as batch:
        batch.drop_constraint(op.f("ck_workout_sets_reps"), type_="check")
        batch.create_check_constraint(op.f("ck_workout_sets_reps"), "reps >= 0 AND reps <= 500")


def downgrade() -> None:
    with op.batch_alter_table("workout_sets") as batch:
        batch.drop_constraint(op.f("ck_workout_sets_reps"), type_="check")
        batch.create_check_constraint(op.f("ck_workout_sets_reps"), "reps >= 0 AND reps <= 100")
    with op.batch_alter_table("pending_imports") as batch:
        batch.drop_column("mapping")
    op.drop_index(op.f("ix_other_sets_workout_id"), table_name="other_sets")
    op.drop_index(op.f("ix_other_sets_user_id"), table_name="other_sets")
    op.drop_table("other_sets")
