"""One row per signed-in browser, so that logout ends the session on the server (issue 9)."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    """Create user_session. Sessions signed with the old per-user token end once (everyone logs in again)."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class UserSession(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        token_hash = CharField(max_length=64, unique=True)
        agent = CharField(max_length=200, default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        last_seen_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "user_session"

    db.create_tables([UserSession])


def down(migrator, db):
    """Drop the sessions table (everyone is signed out)."""
    db.execute_sql('DROP TABLE IF EXISTS "user_session"')
