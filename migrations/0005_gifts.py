"""Gifts (ideas to given or received) and extra-mile gestures; a per-contact yearly gift budget."""
import datetime

from peewee import CharField, DateField, DateTimeField, DecimalField, ForeignKeyField, Model, TextField


def up(migrator, db):
    """Create gift and gesture; add contact.gift_budget and contact.gift_budget_currency."""

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

    class FamilyMember(Base):
        class Meta:
            table_name = "family_member"

    class Touch(Base):
        class Meta:
            table_name = "touch"

    class Gift(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        family_member = ForeignKeyField(FamilyMember, null=True, on_delete="CASCADE")
        description = CharField(max_length=300)
        status = CharField(max_length=10, default="idea")
        occasion = CharField(max_length=20, default="other")
        price = DecimalField(max_digits=12, decimal_places=2, null=True)
        currency = CharField(max_length=3, default="EUR")
        link = CharField(max_length=1000, default="")
        notes = TextField(default="")
        date = DateField(null=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "gift"
            indexes = ((("user", "status"), False), (("user", "date"), False))

    class Gesture(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        text = TextField()
        due_on = DateField()
        status = CharField(max_length=10, default="planned")
        outcome = TextField(default="")
        done_at = DateTimeField(null=True)
        touch = ForeignKeyField(Touch, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "gesture"
            indexes = ((("user", "status", "due_on"), False),)

    db.create_tables([Gift, Gesture])
    migrator.migrate(
        migrator.add_column("contact", "gift_budget", DecimalField(max_digits=12, decimal_places=2, null=True)),
        migrator.add_column("contact", "gift_budget_currency", CharField(max_length=3, default="EUR")),
    )


def down(migrator, db):
    """Drop gift and gesture, and the budget columns."""
    migrator.migrate(migrator.drop_column("contact", "gift_budget_currency"), migrator.drop_column("contact", "gift_budget"))
    for table in ("gesture", "gift"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
