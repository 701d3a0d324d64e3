"""reports: each unit's online-share target, in per cent

Revision ID: c7a3e9d1f5b8
Revises: c4e8a1f2d3b7
Create Date: 2026-12-07 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7a3e9d1f5b8'
down_revision = 'c4e8a1f2d3b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_target', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('online_target')
