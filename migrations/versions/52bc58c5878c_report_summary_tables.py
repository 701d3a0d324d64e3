"""reports: summary tables (numbers per finished day and month), indexes for the still-running
dossiers and the province's fees of a period

Revision ID: 52bc58c5878c
Revises: d49cdadaad49
Create Date: 2026-12-07 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '52bc58c5878c'
down_revision = 'd49cdadaad49'
branch_labels = None
depends_on = None

CLOSED_INCLUDE = [
    'received_at', 'receiving_unit_id', 'procedure_id', 'on_time', 'returned_via',
    'working_days_taken', 'due_date', 'status',
]


def upgrade():
    op.create_table(
        'report_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='0', nullable=False),
        sa.Column('summarised', sa.Integer(), nullable=True),
        sa.Column('refreshed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('day'),
    )
    op.create_table(
        'report_numbers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('span', sa.String(length=1), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('procedure_id', sa.Integer(), nullable=True),
        sa.Column('metric', sa.String(length=60), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_report_numbers_span_day',
        'report_numbers',
        ['span', 'day', 'unit_id'],
        postgresql_include=['procedure_id', 'metric', 'value'],
    )
    op.drop_index('ix_dossiers_closed', table_name='dossiers')
    op.create_index(
        'ix_dossiers_closed', 'dossiers', ['closed_at'], postgresql_include=CLOSED_INCLUDE
    )
    op.create_index(
        'ix_payments_at',
        'payments',
        ['at'],
        postgresql_include=['unit_id', 'procedure_id', 'method', 'amount'],
    )
    op.create_index(
        'ix_dossiers_open',
        'dossiers',
        ['received_at'],
        postgresql_include=['receiving_unit_id', 'procedure_id', 'due_date', 'status'],
        postgresql_where=sa.text('closed_at IS NULL'),
        sqlite_where=sa.text('closed_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_dossiers_open', table_name='dossiers')
    op.drop_index('ix_payments_at', table_name='payments')
    op.drop_index('ix_dossiers_closed', table_name='dossiers')
    op.create_index('ix_dossiers_closed', 'dossiers', ['closed_at'])
    op.drop_index('ix_report_numbers_span_day', table_name='report_numbers')
    op.drop_table('report_numbers')
    op.drop_table('report_days')
