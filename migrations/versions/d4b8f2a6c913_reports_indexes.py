"""reports: indexes for the statistics (submitted, closed, journal actions by time)

Revision ID: d4b8f2a6c913
Revises: c7a3e9d1f5b8
Create Date: 2026-12-07 16:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4b8f2a6c913'
down_revision = 'c7a3e9d1f5b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_dossiers_submitted',
        'dossiers',
        ['submitted_at'],
        postgresql_include=['receiving_unit_id', 'procedure_id', 'intake_channel', 'assist_team_id'],
    )
    op.create_index('ix_dossiers_closed', 'dossiers', ['closed_at'])
    op.create_index('ix_dossier_events_action_at', 'dossier_events', ['action', 'at'])


def downgrade():
    op.drop_index('ix_dossier_events_action_at', table_name='dossier_events')
    op.drop_index('ix_dossiers_closed', table_name='dossiers')
    op.drop_index('ix_dossiers_submitted', table_name='dossiers')
