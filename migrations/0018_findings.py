"""Smart capture (issue 18, item 3): what a note saved offline says waits on Today ("From your notes") as findings,
one row per item read from the note, until it is kept or dismissed."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, Model, TextField


def up(migrator, db):
    """Create finding: user, touch and contact (each cascading), kind, payload (JSON text), created_at."""

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

    class Finding(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        touch = ForeignKeyField(Touch, on_delete="CASCADE")
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        kind = CharField(max_length=20)
        payload = TextField()
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "finding"
            indexes = ((("user", "created_at"), False),)

    db.create_tables([Finding])


def down(migrator, db):
    """Drop finding (what waited on Today is gone; the touches keep their notes)."""
    db.execute_sql('DROP TABLE IF EXISTS "finding"')
