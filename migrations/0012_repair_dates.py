"""Repair important dates that do not exist (issue 16, item 1): before one check of partial dates served every entry
path, a vCard import or a restore could store 31 February, or 29 February of a common year.

An impossible day becomes its month's last day (29 February 2023 becomes 28 February 2023; 31 February without a
year becomes 29 February). A year before 1900 on a date with a day and month (Apple's "no year" marker, 1604) is
dropped, as the import now reads it. Each change is recorded as an audit event "date repaired" of the date's owner,
saying which contact and date and what it was and became ("contact 5, date 12: 31 February became 29 February"),
and in the date's new `corrected` column, which the person's page shows beside the date ("Corrected from
31 February, a day that does not exist") until the date is saved again.
"""
import datetime

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model

from journal.dates import FIRST_YEAR, MONTHS, days_in


def _said(year, month, day):
    """'31 February 2023', or '31 February' without a year."""
    return f"{day} {MONTHS[month - 1]}" + (f" {year}" if year is not None else "")


def up(migrator, db):
    """Move impossible days to their month's last day and drop pre-1900 years of dated rows, recording each."""

    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ImportantDate(Base):
        user_id = IntegerField()
        contact_id = IntegerField()
        year = IntegerField(null=True)
        month = IntegerField(null=True)
        day = IntegerField(null=True)
        year_approximate = BooleanField(default=False)
        corrected = CharField(max_length=120, default="")

        class Meta:
            table_name = "important_date"

    class AuditEvent(Base):
        user_id = IntegerField(null=True)
        email = CharField(default="")
        event = CharField()
        detail = CharField(default="")
        ip = CharField(default="")
        at = DateTimeField()

        class Meta:
            table_name = "audit_event"

    migrator.migrate(migrator.add_column("important_date", "corrected", CharField(max_length=120, default="")))
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    dated = ImportantDate.select().where(ImportantDate.month.between(1, 12) & (ImportantDate.day >= 1))
    with db.atomic():
        for d in dated.order_by(ImportantDate.id):
            year = d.year if d.year is None or d.year >= FIRST_YEAR else None
            day = min(d.day, days_in(d.month, year))
            if (year, day) == (d.year, d.day):
                continue
            if day != d.day:
                corrected = f"Corrected from {_said(d.year, d.month, d.day)}, a day that does not exist"
            else:
                corrected = f"The year {d.year} was a phone's mark for “no year”"
            ImportantDate.update(year=year, day=day, year_approximate=d.year_approximate and year is not None,
                                 corrected=corrected).where(ImportantDate.id == d.id).execute()
            became = _said(year, d.month, day) + (" (no year)" if year is None and d.year is not None else "")
            AuditEvent.create(user_id=d.user_id, event="date repaired", at=now,
                              detail=f"contact {d.contact_id}, date {d.id}: {_said(d.year, d.month, d.day)} became {became}")


def down(migrator, db):
    """Drop the `corrected` column; the impossible dates are not kept (the backup taken before migrating has them)."""
    migrator.migrate(migrator.drop_column("important_date", "corrected"))
