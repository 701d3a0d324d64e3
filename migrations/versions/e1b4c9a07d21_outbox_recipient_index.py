"""Outbox: an index on the recipient, for the administrator's exact search

Revision ID: e1b4c9a07d21
Revises: d7f3b2a1c840
Create Date: 2026-12-07 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1b4c9a07d21'
down_revision = 'd7f3b2a1c840'
branch_labels = None
depends_on = None


def upgrade():
    # The search compares lower(recipient): e-mail addresses are found whatever their case.
    op.create_index('ix_notifications_recipient', 'notifications', [sa.text('lower(recipient)')])


def downgrade():
    op.drop_index('ix_notifications_recipient', table_name='notifications')
