"""reps-in-reserve checks

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:45:00

`rir_checks`: one row per calibration (the predicted set's reps and reps left, and the
as-many-as-possible set after it), from which the lifter's bias is estimated. Rows hang
off `users` with ON DELETE CASCADE, so /deletemydata removes them.
`user_settings.calibration_asked`: /calibrate asked for a check before it is due.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rir_checks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("exercise_key", sa.String(length=48), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reps", sa.SmallInteger(), nullable=False),
        sa.Column("predicted_rir", sa.SmallInteger(), nullable=False),
        sa.Column("amrap_reps", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_rir_checks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rir_checks")),
    )
    op.create_index(op.f("ix_rir_checks_user_id"), "rir_checks", ["user_id"], unique=False)
    with op.batch_alter_table("user_settings") as batch:
        batch.add_column(
            sa.Column("calibration_asked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_settings") as batch:
        batch.drop_column("calibration_asked")
    op.drop_index(op.f("ix_rir_checks_user_id"), table_name="rir_checks")
    op.drop_table("rir_checks")
