"""Background jobs in a table (issue 15, item 6): exports and imports run in a Huey consumer, and their state,
once a JSON file beside the export, is a row every host can read; an import's preview rows wait beside it."""
import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    """Create job and import_row."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Job(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        kind = CharField(max_length=10)
        step = CharField(max_length=10, default="")
        format = CharField(max_length=10)
        status = CharField(max_length=10, default="queued")
        done = IntegerField(default=0)
        total = IntegerField(default=0)
        file = CharField(max_length=64, default="")
        filename = CharField(max_length=200, default="")
        tag = CharField(max_length=200, default="")
        q = CharField(max_length=200, default="")
        skip_duplicates = BooleanField(default=True)
        written = IntegerField(default=0)
        message = CharField(max_length=500, default="")
        ip = CharField(max_length=64, default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "job"
            indexes = ((("updated_at",), False),)

    class ImportRow(Base):
        job = ForeignKeyField(Job, on_delete="CASCADE", index=False)
        number = IntegerField()
        name = TextField(default="")
        company = TextField(default="")
        reach = TextField(default="")
        problems = TextField(default="")
        duplicate_of = TextField(default="")

        class Meta:
            table_name = "import_row"
            indexes = ((("job", "number"), False),)

    db.create_tables([Job, ImportRow])


def down(migrator, db):
    """Drop the job tables (jobs in progress are forgotten; their files are swept from the jobs folder)."""
    db.execute_sql('DROP TABLE IF EXISTS "import_row"')
    db.execute_sql('DROP TABLE IF EXISTS "job"')
