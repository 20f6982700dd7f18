"""prompt packs a partner chooses, and prompts seen outside the day's pick

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-16 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prompt_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("prompt_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["couple_id"], ["couple.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("prompt_seen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prompt_seen_couple_id"), ["couple_id"], unique=False)
    op.create_table(
        "pack_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("pack", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["couple_id"], ["couple.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("couple_id", "member_id", "pack", name="uq_pack_choice"),
    )
    with op.batch_alter_table("pack_choice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pack_choice_couple_id"), ["couple_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pack_choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pack_choice_couple_id"))
    op.drop_table("pack_choice")
    with op.batch_alter_table("prompt_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prompt_seen_couple_id"))
    op.drop_table("prompt_seen")
