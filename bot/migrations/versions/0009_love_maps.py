"""love maps: evenings that come back to earlier answers, their switches, good news

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SWITCHES = ("callbacks_on", "guessing_on", "follow_ups_on", "goodnews_on", "photos_on")


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
    # Plain ALTER TABLE ADD COLUMN, not batch mode: with a default such as sa.true() batch mode
    # copies the couple table on SQLite, and dropping the old one cascades to every row that
    # points at a couple (its goals, conversations...).
    for switch in SWITCHES:
        op.add_column(
            "couple", sa.Column(switch, sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "good_news",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("receiver_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("media", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("replied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["couple_id"], ["couple.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["receiver_id"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["sender_id"], ["member.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("good_news", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_good_news_couple_id"), ["couple_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("good_news", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_good_news_couple_id"))
    op.drop_table("good_news")
    with op.batch_alter_table("couple", schema=None) as batch_op:
        for switch in reversed(SWITCHES):
            batch_op.drop_column(switch)
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("source_id")
