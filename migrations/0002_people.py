"""People: contacts, their phones and emails, tags, family members, interests and important dates."""
import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    """Create the people tables (frozen copies of the models as of this migration)."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Contact(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        name = CharField(max_length=200)
        sort_name = CharField(max_length=200)
        company = CharField(max_length=200, default="")
        role = CharField(max_length=200, default="")
        city = CharField(max_length=200, default="")
        how_we_met = TextField(default="")
        cadence_days = IntegerField(null=True)
        goals = TextField(default="")
        challenges = TextField(default="")
        how_to_help = TextField(default="")
        ideas_to_give = TextField(default="")
        feel_important = TextField(default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "contact"
            indexes = ((("user", "sort_name"), False),)

    class ContactMethod(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        kind = CharField(max_length=8)
        label = CharField(max_length=40, default="")
        value = CharField(max_length=254)
        position = IntegerField(default=0)

        class Meta:
            table_name = "contact_method"

    class ContactTag(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        name = CharField(max_length=60)
        key = CharField(max_length=60)

        class Meta:
            table_name = "contact_tag"
            indexes = ((("user", "key"), False), (("contact", "key"), True))

    class FamilyMember(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        relation = CharField(max_length=20, default="other")
        name = CharField(max_length=200)
        notes = TextField(default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "family_member"

    class Interest(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        family_member = ForeignKeyField(FamilyMember, null=True, on_delete="CASCADE")
        name = CharField(max_length=60)
        key = CharField(max_length=60)

        class Meta:
            table_name = "interest"
            indexes = ((("contact", "family_member"), False), (("user", "key"), False))

    class ImportantDate(Base):
        user = ForeignKeyField(User, on_delete="CASCADE", index=True)
        contact = ForeignKeyField(Contact, on_delete="CASCADE")
        family_member = ForeignKeyField(FamilyMember, null=True, on_delete="CASCADE")
        kind = CharField(max_length=20, default="custom")
        label = CharField(max_length=120, default="")
        year = IntegerField(null=True)
        month = IntegerField(null=True)
        day = IntegerField(null=True)
        year_approximate = BooleanField(default=False)

        class Meta:
            table_name = "important_date"
            indexes = ((("contact", "family_member"), False), (("user", "month", "day"), False))

    db.create_tables([Contact, ContactMethod, ContactTag, FamilyMember, Interest, ImportantDate])


def down(migrator, db):
    """Drop the people tables."""
    for table in ("important_date", "interest", "family_member", "contact_tag", "contact_method", "contact"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
