"""equipment and warm-up settings per lifter

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 15:20:00

`user_settings` gains what the coach needs to suggest only loads the lifter can build
(`plate_step` and `cable_step` already hold the smallest plate pair and the stack step):

* `bar_weight`: the empty bar (NULL: 45 lb / 20 kg);
* `dumbbell_step`: the rack's step (NULL: 5 lb / 2.5 kg);
* `dumbbells`: the dumbbells owned, as a JSON list of weights (NULL: a full rack);
* `cable_top`: the heaviest plate of the stack (NULL: no top known);
* `warmups_on`: whether the warm-up ramp is shown before a barbell lift (default on);
* `last_calibration_on`: the lifter's local day of their last reps-in-reserve check.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bar_weight", sa.Numeric(10, 4), nullable=True))
        batch_op.add_column(sa.Column("dumbbell_step", sa.Numeric(10, 4), nullable=True))
        batch_op.add_column(sa.Column("dumbbells", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cable_top", sa.Numeric(10, 4), nullable=True))
        batch_op.add_column(
            sa.Column("warmups_on", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("last_calibration_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_settings", schema=None) as batch_op:
        for column in (
            "last_calibration_on",
            "warmups_on",
            "cable_top",
            "dumbbells",
            "dumbbell_step",
            "bar_weight",
        ):
            batch_op.drop_column(column)
