"""People read from the export's own CSV or from vCard files: parsed, checked (problems, likely duplicates), written.

The import's pages are journal/imports.py; the work runs in a background task (journal/tasks.py).
"""
import csv
import io
from dataclasses import dataclass, field

from . import checks, clock, vcard_lines, vcards
from .contact_cells import read_dates, read_family
from .dates import PartialDate
from .db import db
from .exports import SHEETS, csv_unsafe
from .models import Contact, ContactMethod, FamilyMember, ImportantDate, Touch, too_long
from .people.forms import parse_methods
from .text import only_digits, split_list, typed

MAX_ROWS = 20000
STEP = 200  # rows between two progress reports; the people of one step are written in one transaction
CSV_FIELDS = {"name": "name", "company": "company", "role": "role", "city": "city", "how we met": "how_we_met",
              "goals": "goals", "challenges": "challenges", "how I can help": "how_to_help",
              "ideas to give": "ideas_to_give", "what makes them feel important": "feel_important",
              "alternative name": "alt_name"}


class ImportError_(ValueError):
    """A file that cannot be imported at all; the message says why."""


@dataclass
class Row:
    """One person found in the file, with what is wrong with it and whether they look already known."""

    number: int
    fields: dict
    phones: list = field(default_factory=list)
    emails: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    interests: list = field(default_factory=list)
    family: list = field(default_factory=list)  # (relation, name, birthday PartialDate or None)
    birthday: PartialDate | None = None
    dates: list = field(default_factory=list)  # (kind, label, PartialDate): the contact's own dates (anniversaries…)
    cadence: int | None = None
    errors: list = field(default_factory=list)
    duplicate_of: str = ""
    memo: str = ""  # free text kept as a first touch (a vCard's NOTE)
    notes: list = field(default_factory=list)  # what was kept or skipped, and why (the row is imported all the same)


def parse_csv(text):
    """Rows of a CSV in the export's Contacts columns."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        headers = reader.fieldnames or []
    except csv.Error:
        raise ImportError_("This CSV's first line is not a row of column names. Use Rapport's own contacts export.")
    if "name" not in headers:
        raise ImportError_("This CSV has no “name” column. Use the columns of Rapport's own contacts export.")
    unknown = [h for h in headers if h not in SHEETS["Contacts"]]
    if unknown:
        raise ImportError_(f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown[:5])}. "
                           "Use the columns of Rapport's own contacts export.")
    rows = []
    try:
        for number, record in enumerate(reader, start=2):
            rows.append(_csv_row(number, record))
    except csv.Error as problem:
        raise ImportError_(f"Line {reader.line_num} of this CSV could not be read ({problem}); nothing was imported.")
    return rows


def _csv_row(number, record):
    """One CSV record as a Row, with what is wrong with it."""
    if number > MAX_ROWS + 1:
        raise ImportError_(f"A file can hold at most {MAX_ROWS} people.")
    values = {k: csv_unsafe((v or "").strip()) for k, v in record.items() if k}
    row = Row(number, {attr: values.get(col, "") for col, attr in CSV_FIELDS.items()})
    row.phones, row.emails = parse_methods(values.get("phones", "")), parse_methods(values.get("emails", ""))
    row.tags, row.interests = split_list(values.get("tags", "")), split_list(values.get("interests", ""))
    # Files from before the dates column wrote the family comma-separated, with ages.
    row.family = read_family(values.get("family", ""), row.errors, one_a_line="dates" in record)
    row.dates = read_dates(values.get("dates", ""), row.errors)
    cadence = values.get("keep in touch (days)", "")
    if cadence:
        if cadence.isdigit() and 1 <= int(cadence) <= 3650:
            row.cadence = int(cadence)
        else:
            row.errors.append(f"“{cadence}” is not a number of days between 1 and 3650.")
    return row




def check(rows, user, progress=None):
    """Validate each row and flag likely duplicates (same email or phone as someone known, or earlier in the file);
    `progress(rows checked)` is called every STEP rows."""
    emails, phones = {}, {}
    for m in ContactMethod.for_user(user).join(Contact).select(ContactMethod, Contact.name):
        if m.kind == "email":
            emails[m.value.lower()] = m.contact.name
        elif m.digits:
            phones[m.digits] = m.contact.name
    for position, row in enumerate(rows, start=1):
        if not row.fields["name"]:
            row.errors.append("No name.")
        for attr, value in row.fields.items():  # name, company, role, city: the columns with a length
            column = getattr(Contact, attr)
            if getattr(column, "max_length", None) and too_long(column, value):
                row.errors.append(f"The {attr} is longer than {column.max_length} characters.")
        for label, value in row.phones + row.emails:
            for column, part in ((ContactMethod.label, label), (ContactMethod.value, value)):
                if too_long(column, part):
                    row.errors.append(f"“{part[:40]}…” is longer than {column.max_length} characters.")
        for kind, entries in (("phone", row.phones), ("email", row.emails)):
            _checked(row, checks.methods, entries, kind)
        for items in (row.tags, row.interests):  # the forms' limits; the columns hold them
            _checked(row, checks.tags, items)
        for _, name, _ in row.family:
            if too_long(FamilyMember.name, name):
                row.errors.append(f"The family name “{name[:40]}…” is longer than {FamilyMember.name.max_length} characters.")
        for _, value in row.emails:
            if value.lower() in emails:
                row.duplicate_of = emails[value.lower()]
        for _, value in row.phones:
            if len(only_digits(value)) >= 6 and only_digits(value) in phones:
                row.duplicate_of = phones[only_digits(value)]
        if not row.errors:
            for _, value in row.emails:
                emails.setdefault(value.lower(), row.fields["name"] + " (earlier in this file)")
            for _, value in row.phones:
                if len(only_digits(value)) >= 6:
                    phones.setdefault(only_digits(value), row.fields["name"] + " (earlier in this file)")
        if progress and position % STEP == 0:
            progress(position)
    return rows


def _checked(row, check, *args):
    """Run one of checks.py on the row's values; its message becomes one of the row's errors."""
    try:
        check(*args)
    except ValueError as problem:
        row.errors.append(str(problem))


def write(rows, user, skip_duplicates, progress=None):
    """Create the valid rows, STEP rows to a transaction (other writers wait for one step, not for the whole file);
    `progress(rows done)` is called after each. Return how many people were created."""
    created = 0
    for start in range(0, len(rows), STEP):
        with db.atomic():
            created += _write_step(rows[start:start + STEP], user, skip_duplicates)
        if progress:
            progress(min(start + STEP, len(rows)))
    return created


def _write_step(rows, user, skip_duplicates):
    """Create the valid people among these rows; return how many."""
    created = 0
    for row in rows:
        if row.errors or (skip_duplicates and row.duplicate_of):
            continue
        contact = Contact(user=user.id, cadence_days=row.cadence, **row.fields)
        contact.save()
        contact.set_methods("phone", row.phones)
        contact.set_methods("email", row.emails)
        contact.set_tags(row.tags)
        contact.set_interests(row.interests)
        for relation, name, born in row.family:
            member = FamilyMember.create(user=user.id, contact=contact, relation=relation, name=name)
            if born is not None:
                ImportantDate.create(user=user.id, contact=contact, family_member=member, kind="birthday",
                                     year=born.year, month=born.month, day=born.day, year_approximate=born.approximate)
        if row.birthday:
            born = row.birthday
            ImportantDate.create(user=user.id, contact=contact, kind="birthday", year=born.year, month=born.month, day=born.day)
        for kind, label, when in row.dates:
            ImportantDate.create(user=user.id, contact=contact, kind=kind, label=label, year=when.year, month=when.month,
                                 day=when.day, year_approximate=when.approximate)
        if row.memo:
            Touch.add_note(contact, row.memo, at=clock.now(user))
        created += 1
    return created


def read_file(path, filename):
    """Rows from an uploaded file kept at `path`, by its kind (CSV or vCard); `filename` is the user's name for it.
    vCards are read as a stream, card by card (a photo never sits in memory)."""
    with open(path, "rb") as handle:
        if is_vcard(filename) or vcard_lines.looks_like_vcard(handle.read(64)):
            handle.seek(0)
            return vcards.read_rows(handle, filename)
        handle.seek(0)
        return read_upload(handle.read(), filename)


def is_vcard(filename):
    """True when the user's file name says vCards."""
    return filename.lower().endswith((".vcf", ".vcard"))


def read_upload(data, filename):
    """Rows from an uploaded file's bytes, by its kind (CSV or vCard)."""
    if is_vcard(filename) or vcard_lines.looks_like_vcard(data[:64]):
        return vcards.read_rows(io.BytesIO(data), filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_("The file is not UTF-8 text. Save it as CSV UTF-8 or export the vCards again.")
    text = typed(text)  # NFC as every text; a stray NUL is nobody's data, and the CSV reader stops at NUL
    if not text.strip():
        raise ImportError_("The file is empty.")
    return parse_csv(text)

