"""Login and sign-up attempt counts in the database (issue 16, item 8): every gunicorn worker and every host sees
them, so the documented limits hold without Redis (journal/limit_storage.py)."""
from peewee import CharField, DoubleField, IntegerField, Model


def up(migrator, db):
    """Create rate_limit: one row per limit and key (an address, an account), its count in the current window."""

    class RateLimit(Model):
        key = CharField(max_length=64, primary_key=True)
        count = IntegerField(default=0)
        expires_at = DoubleField(index=True)

        class Meta:
            database = db
            table_name = "rate_limit"

    db.create_tables([RateLimit])


def down(migrator, db):
    """Drop rate_limit (the counts start again from nothing)."""
    db.execute_sql('DROP TABLE IF EXISTS "rate_limit"')
