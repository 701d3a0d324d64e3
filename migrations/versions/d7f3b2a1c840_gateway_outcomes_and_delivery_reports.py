"""Gateway outcomes and delivery reports: delivered / rejected messages, held ones, gateway health

Revision ID: d7f3b2a1c840
Revises: c5e1a7d9f302
Create Date: 2026-12-10 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7f3b2a1c840'
down_revision = 'c5e1a7d9f302'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        # "delivered" does not fit the old 8 characters.
        batch_op.alter_column(
            'status', existing_type=sa.String(length=8), type_=sa.String(length=12)
        )
        batch_op.add_column(sa.Column('gateway_id', sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column('held_reason', sa.String(length=300), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('report_status', sa.String(length=16), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('carrier', sa.String(length=40), nullable=False, server_default='')
        )
        batch_op.add_column(sa.Column('delivered_at', sa.DateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_notifications_gateway_id'), ['gateway_id'], unique=False
        )

    op.create_table(
        'gateway_states',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('adapter', sa.String(length=20), nullable=False),
        sa.Column('refused', sa.Boolean(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('since', sa.DateTime(), nullable=False),
        sa.Column('checked_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_states')),
        sa.UniqueConstraint('channel', name=op.f('uq_gateway_states_channel')),
    )


def downgrade():
    op.drop_table('gateway_states')
    notifications = sa.table('notifications', sa.column('status', sa.String))
    # The old statuses know neither: a delivered message was sent, a rejected one failed.
    op.execute(
        notifications.update()
        .where(notifications.c.status == 'delivered')
        .values(status='sent')
    )
    op.execute(
        notifications.update()
        .where(notifications.c.status == 'rejected')
        .values(status='failed')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_gateway_id'))
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('carrier')
        batch_op.drop_column('report_status')
        batch_op.drop_column('held_reason')
        batch_op.drop_column('gateway_id')
        batch_op.alter_column(
            'status', existing_type=sa.String(length=12), type_=sa.String(length=8)
        )
