"""Users: the folded name (no case, no diacritics), so the staff list is searched, sorted and
paged in SQL

Revision ID: a7c3e9b2d410
Revises: f3a8d2c61b07
Create Date: 2026-12-07 12:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

from app.core.text import fold

# revision identifiers, used by Alembic.
revision = 'a7c3e9b2d410'
down_revision = 'f3a8d2c61b07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('name_key', sa.String(length=120), nullable=False, server_default='')
        )
        batch_op.create_index('ix_users_role_name_key', ['role', 'name_key'])
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('name_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.full_name)).all()
    for user_id, full_name in rows:
        connection.execute(
            users.update().where(users.c.id == user_id).values(name_key=fold(full_name)[:120])
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_role_name_key')
        batch_op.drop_column('name_key')
