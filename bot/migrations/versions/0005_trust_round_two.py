"""answer message refs, goals saved from answers, leases, couples apart; plain texts escaped

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:00:00.000000
"""

import base64
import binascii
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every column that holds a partner's words, as in bot/maintenance.py at this revision.
SECRET_COLUMNS = (
    ("answer", "text"),
    ("answer", "media"),
    ("appreciation", "text"),
    ("goal", "text"),
    ("win", "text"),
    ("delivery", "payload"),
)
CIPHER, PLAIN = "enc1:", "txt1:"


def _fernet_shaped(stored: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(stored[len(CIPHER) :].encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) >= 73 and raw[0] == 0x80 and (len(raw) - 57) % 16 == 0


def _escape_plain_texts() -> None:
    """Texts written in the clear before this revision that begin with a marker get the plain
    marker in front, so they are read back exactly as written (bot/crypto.py)."""
    bind = op.get_bind()
    for table_name, column_name in SECRET_COLUMNS:
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column_name, sa.Text))
        column = table.c[column_name]
        rows = bind.execute(
            sa.select(table.c.id, column).where(
                sa.or_(column.like(f"{CIPHER}%"), column.like(f"{PLAIN}%"))
            )
        ).all()
        for row_id, value in rows:
            if value.startswith(CIPHER) and _fernet_shaped(value):
                continue
            bind.execute(
                sa.update(table).where(table.c.id == row_id).values({column_name: PLAIN + value})
            )


def upgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("message_ref", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )

    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_answer_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_goal_source_answer", ["source_answer_id"])
        batch_op.create_foreign_key(
            "fk_goal_source_answer", "answer", ["source_answer_id"], ["id"], ondelete="CASCADE"
        )

    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("apart_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("apart_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )

    op.create_table(
        "lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )

    _escape_plain_texts()


def downgrade() -> None:
    op.drop_table("lease")

    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.drop_column("apart_until")
        batch_op.drop_column("apart_since")

    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_constraint("fk_goal_source_answer", type_="foreignkey")
        batch_op.drop_constraint("uq_goal_source_answer", type_="unique")
        batch_op.drop_column("source_answer_id")

    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("message_ref")
