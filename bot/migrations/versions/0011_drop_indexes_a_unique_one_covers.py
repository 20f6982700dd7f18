"""drop the single-column indexes on delivery.member_id and conversation.couple_id: the unique
and composite indexes that lead with the same column serve every lookup they served

Revision ID: 0011
Revises: 0010
Create Date: 2027-01-06 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, index, column): each column leads another index of its table (ix_delivery_member_day
# on (member_id, day), uq_conversation_couple_day on (couple_id, day)), which the lookups and
# the foreign keys' cascades use; the lone index only cost a write per row the tick inserts.
COVERED = (
    ("delivery", "ix_delivery_member_id", "member_id"),
    ("conversation", "ix_conversation_couple_id", "couple_id"),
)


def upgrade() -> None:
    for table, index, _ in COVERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(index))


def downgrade() -> None:
    for table, index, column in COVERED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(index), [column], unique=False)
