"""Planned visits (issue 18, item 4): a meeting with a contact on a day, at an optional time, found in a note or
planned by hand from the brief; a table of its own, so that no count of touches sees a visit yet to happen."""
import datetime

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, Model, TimeField


def up(migrator, db):
    """Create planned_visit."""

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
        class Meta:
            table_name = "touch"

    class PlannedVisit(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        on = DateField()
        at = TimeField(null=True)
        note = CharField(max_length=200, default="")
        source_touch = ForeignKeyField(Touch, null=True, on_delete="SET NULL")
        done_touch = ForeignKeyField(Touch, null=True, on_delete="SET NULL")
        done_at = DateTimeField(null=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "planned_visit"
            indexes = ((("user", "on"), False), (("contact", "on"), False))

    db.create_tables([PlannedVisit])


def down(migrator, db):
    """Drop planned_visit (the planned visits are lost; the backup taken before migrating has them)."""
    db.execute_sql('DROP TABLE IF EXISTS "planned_visit"')
