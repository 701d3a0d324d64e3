"""One-time codes sealed in the outbox: the body keeps them masked

Revision ID: c5e1a7d9f302
Revises: a2956310bc94
Create Date: 2026-12-08 09:00:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e1a7d9f302'
down_revision = 'a2956310bc94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_secret', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('secret_expires_at', sa.DateTime(), nullable=True))

    # Code SMS queued before this revision hold their code in clear: mask it (the same mask as
    # app/notifications/sms.py), and give up those not sent yet (there is nothing to put back;
    # the citizen asks for a new code, which expires within minutes anyway).
    notifications = sa.table(
        'notifications',
        sa.column('id', sa.Integer),
        sa.column('template', sa.String),
        sa.column('body', sa.Text),
        sa.column('status', sa.String),
        sa.column('last_error', sa.Text),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(notifications.c.id, notifications.c.body, notifications.c.status).where(
            notifications.c.template.like('otp\\_%', escape='\\')
        )
    ).all()
    for row in rows:
        values = {'body': re.sub(r'(?<!\d)\d{6}(?!\d)', '\u2022' * 6, row.body)}
        if row.status == 'pending':
            values.update(status='failed', last_error='code kept in clear before masking')
        connection.execute(
            sa.update(notifications).where(notifications.c.id == row.id).values(**values)
        )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('secret_expires_at')
        batch_op.drop_column('sealed_secret')
