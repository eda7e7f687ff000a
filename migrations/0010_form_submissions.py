"""What the first submit of each rendered form created, so that a double tap creates nothing twice (issue 14)."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    """Create form_submission: one row per (user, form key, content), kept for a day."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class FormSubmission(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=False)
        key = CharField(max_length=36)
        fingerprint = CharField(max_length=64)
        created_id = IntegerField(null=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "form_submission"
            indexes = ((("user", "key", "fingerprint"), True), (("user", "created_at"), False))

    db.create_tables([FormSubmission])


def down(migrator, db):
    """Drop form_submission (only double-submit protection is lost)."""
    db.execute_sql('DROP TABLE IF EXISTS "form_submission"')
