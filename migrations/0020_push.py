"""Web Push reminders (issue 20): each phone's subscription (tied to the session that made it, so ending the session
ends it), each user's reminder settings, and a row per message sent (so two consumers never send one twice)."""
import datetime

from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField,
                    TimeField)


def up(migrator, db):
    """Create push_settings, push_subscription and push_message."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class UserSession(Base):
        class Meta:
            table_name = "user_session"

    class PushSettings(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
        digest_at = TimeField(null=True, default=datetime.time(8, 0))
        visit_minutes = IntegerField(default=60)
        names_only = BooleanField(default=False)

        class Meta:
            table_name = "push_settings"

    class PushSubscription(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        session = ForeignKeyField(UserSession, on_delete="CASCADE", index=True)
        endpoint = CharField(max_length=1000, unique=True)
        p256dh = CharField(max_length=200)
        auth = CharField(max_length=100)
        label = CharField(max_length=100, default="")
        origin = CharField(max_length=300, default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "push_subscription"

    class PushMessage(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        subscription = ForeignKeyField(PushSubscription, on_delete="SET NULL", null=True)
        key = CharField(max_length=80)
        payload = TextField()
        expires_at = DateTimeField()
        status = CharField(max_length=10, default="sending")
        attempts = IntegerField(default=0)
        next_try_at = DateTimeField(null=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow, index=True)

        class Meta:
            table_name = "push_message"
            indexes = ((("subscription", "key"), True), (("status", "next_try_at"), False))

    db.create_tables([PushSettings, PushSubscription, PushMessage])


def down(migrator, db):
    """Drop the push tables (the phones must enable notifications again)."""
    for table in ("push_message", "push_subscription", "push_settings"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
