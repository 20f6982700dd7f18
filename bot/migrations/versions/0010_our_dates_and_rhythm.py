"""our dates, someday, dates asked not announced, a rhythm each couple sets, the pinned status

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(_text("birthday", 10))
        batch_op.add_column(_text("status_ref", 64))
    # Plain ALTER TABLE ADD COLUMN, not batch mode: with a default such as sa.true() batch mode
    # copies the table on SQLite, and dropping the old couple table cascades to every row that
    # points at a couple.
    for column in (
        _text("anniversary", 10),
        sa.Column("evenings_per_week", sa.Integer(), nullable=False, server_default="7"),
        sa.Column("quiet_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("digest_on", sa.Boolean(), nullable=False, server_default=sa.false()),
        _text("ritual_day", 3),
        sa.Column("status_on", sa.Boolean(), nullable=False, server_default=sa.true()),
    ):
        op.add_column("couple", column)
    with op.batch_alter_table("date_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("accepted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("declined_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("someday_id", sa.Integer(), nullable=True))
    # Dates planned before 0010 were announced, not asked: they count as accepted.
    op.execute("UPDATE date_plan SET accepted_at = created_at")
    op.create_table(
        "someday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("planned_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["added_by"], ["member.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["couple_id"], ["couple.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("someday", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_someday_couple_id"), ["couple_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("someday", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_someday_couple_id"))
    op.drop_table("someday")
    with op.batch_alter_table("date_plan", schema=None) as batch_op:
        for column in ("someday_id", "declined_at", "accepted_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("couple", schema=None) as batch_op:
        for column in (
            "status_on",
            "ritual_day",
            "digest_on",
            "quiet_since",
            "evenings_per_week",
            "anniversary",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("status_ref")
        batch_op.drop_column("birthday")
