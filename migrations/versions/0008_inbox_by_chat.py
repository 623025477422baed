"""the inbox indexed by chat and update id

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 18:10:00

Webhook workers on PostgreSQL handle a lifter's updates in update-id order whichever
worker stored them (`bot.pipeline.ordering`): before handling one, a worker looks up
the chat's update just before it, one probe of this index. /deletemydata deletes a
chat's rows through it too.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_chat_id_update_id", ["chat_id", "update_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_chat_id_update_id")
