"""reports: the working days each finished dossier took (average time to a result), backfilled

Revision ID: d49cdadaad49
Revises: 0d131018eefd
Create Date: 2026-12-07 18:00:00.000000

"""
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from app.dossiers.deadlines import WorkingCalendar, days_taken

# revision identifiers, used by Alembic.
revision = 'd49cdadaad49'
down_revision = '0d131018eefd'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    op.add_column('dossiers', sa.Column('working_days_taken', sa.Integer(), nullable=True))
    connection = op.get_bind()
    overrides = connection.execute(sa.text('SELECT day, kind FROM calendar_overrides')).all()
    calendar = WorkingCalendar(
        extra_days_off=frozenset(_day(r.day) for r in overrides if r.kind == 'day_off'),
        extra_working_days=frozenset(_day(r.day) for r in overrides if r.kind == 'working_day'),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT id, received_at, counting_start, working_days_used, closed_at"
                " FROM dossiers WHERE id > :last AND status IN ('returned', 'stopped')"
                " AND received_at IS NOT NULL AND closed_at IS NOT NULL"
                " ORDER BY id LIMIT :batch"
            ),
            {'last': last, 'batch': BATCH},
        ).all()
        if not rows:
            break
        values = [
            {
                'id': row.id,
                'taken': days_taken(
                    SimpleNamespace(
                        received_at=_moment(row.received_at),
                        counting_start=_day(row.counting_start),
                        working_days_used=row.working_days_used,
                    ),
                    _moment(row.closed_at).date(),
                    calendar,
                ),
            }
            for row in rows
        ]
        connection.execute(
            sa.text('UPDATE dossiers SET working_days_taken = :taken WHERE id = :id'), values
        )
        last = rows[-1].id


def _moment(value):
    """SQLite hands back text."""
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _day(value):
    from datetime import date

    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def downgrade():
    with op.batch_alter_table('dossiers') as batch_op:
        batch_op.drop_column('working_days_taken')
