"""a mix of depths instead of a ladder: the couple's setting and "Too deep for now"

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing couples get the mix "as is"; `depth_answered` now counts every curiosity
    # conversation both answered, and a couple already past depth 1 is past its light start.
    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "depth_mix",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="as-is",
            )
        )
        batch_op.add_column(
            sa.Column("lighter_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.drop_column("lighter_until")
        batch_op.drop_column("depth_mix")
