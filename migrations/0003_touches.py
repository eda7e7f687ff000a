"""Moments of touch and promises; contacts remember their last touch and a snooze date."""
import datetime

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    """Create touch, touch_contact and promise; add contact.last_touch_at and contact.snoozed_until."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Contact(Base):
        class Meta:
            table_name = "contact"

    class Touch(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        uuid = CharField(max_length=36)
        kind = CharField(max_length=20, default="visit")
        happened_at = DateTimeField()
        note = TextField(default="")
        pulse = IntegerField(null=True)
        give_ask = CharField(max_length=4, null=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "touch"
            indexes = ((("user", "uuid"), True), (("user", "happened_at"), False))

    class TouchContact(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        touch = ForeignKeyField(Touch, on_delete="CASCADE")
        contact = ForeignKeyField(Contact, on_delete="CASCADE", index=False)
        happened_at = DateTimeField()

        class Meta:
            table_name = "touch_contact"
            indexes = ((("touch", "contact"), True), (("contact", "happened_at"), False))

    class Promise(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        touch = ForeignKeyField(Touch, null=True, on_delete="SET NULL")
        text = TextField()
        due_on = DateField()
        done_at = DateTimeField(null=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "promise"
            indexes = ((("user", "done_at", "due_on"), False),)

    db.create_tables([Touch, TouchContact, Promise])
    migrator.migrate(
        migrator.add_column("contact", "last_touch_at", DateTimeField(null=True)),
        migrator.add_column("contact", "snoozed_until", DateField(null=True)),
    )


def down(migrator, db):
    """Drop the touch tables and the contact columns."""
    migrator.migrate(migrator.drop_column("contact", "snoozed_until"), migrator.drop_column("contact", "last_touch_at"))
    for table in ("promise", "touch_contact", "touch"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
