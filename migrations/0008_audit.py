"""An audit log: logins (success and failure), exports, imports, restores and deletions."""
import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    """Create audit_event (kept when the user is deleted: user becomes NULL, the email stays)."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class AuditEvent(Base):
        user = ForeignKeyField(User, null=True, on_delete="SET NULL", index=True)
        email = CharField(max_length=254, default="")
        event = CharField(max_length=40)
        detail = CharField(max_length=200, default="")
        ip = CharField(max_length=64, default="")
        at = DateTimeField(default=datetime.datetime.utcnow, index=True)

        class Meta:
            table_name = "audit_event"

    db.create_tables([AuditEvent])


def down(migrator, db):
    """Drop the audit log."""
    db.execute_sql('DROP TABLE IF EXISTS "audit_event"')
