"""Accounts: the user table."""
import datetime

from peewee import CharField, DateTimeField, Model


def up(migrator, db):
    """Create the user table."""

    class User(Model):
        email = CharField(max_length=254, unique=True)
        password_hash = CharField(max_length=255)
        session_token = CharField(max_length=64)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "user"

    db.create_tables([User])


def down(migrator, db):
    """Drop the user table."""
    db.execute_sql('DROP TABLE "user"')
