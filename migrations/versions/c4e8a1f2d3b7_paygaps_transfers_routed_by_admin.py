"""paygaps: a transfer into an account no unit collects into, sent to a unit by the administrator

Revision ID: c4e8a1f2d3b7
Revises: b5d1e7f3a9c2
Create Date: 2026-12-07 16:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e8a1f2d3b7'
down_revision = 'b5d1e7f3a9c2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incoming_transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('routed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('routing_note', sa.Text(), nullable=False, server_default='')
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_incoming_transfers_routed_by_id_users'), 'users', ['routed_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('incoming_transfers', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_incoming_transfers_routed_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('routing_note')
        batch_op.drop_column('routed_at')
        batch_op.drop_column('routed_by_id')
