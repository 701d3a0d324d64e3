"""Units: the desk's support number for the footer

Revision ID: f3a8d2c61b07
Revises: e1b4c9a07d21
Create Date: 2026-12-07 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3a8d2c61b07'
down_revision = 'e1b4c9a07d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('support_phone', sa.String(length=20), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('support_phone')
