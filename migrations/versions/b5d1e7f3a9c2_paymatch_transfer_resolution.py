"""paymatch: how an officer resolved a transfer, and the bank's reference looked up per account

Revision ID: b5d1e7f3a9c2
Revises: 058932f94364
Create Date: 2026-12-07 15:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5d1e7f3a9c2'
down_revision = '058932f94364'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incoming_transfers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('resolution', sa.String(length=10), nullable=False, server_default='')
        )
        batch_op.create_index(
            'ix_incoming_transfers_bank_reference', ['account_number', 'bank_reference'], unique=False
        )


def downgrade():
    with op.batch_alter_table('incoming_transfers', schema=None) as batch_op:
        batch_op.drop_index('ix_incoming_transfers_bank_reference')
        batch_op.drop_column('resolution')
