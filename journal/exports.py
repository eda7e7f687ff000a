"""Your data is yours: spreadsheet exports (XLSX, CSV, a zip of CSVs) that never carry live formulas."""
import collections
import csv
import datetime
import functools
import io
import itertools
import operator
import os
import tempfile
import zipfile

from flask import Blueprint, after_this_request, request, send_file
from flask_login import current_user, login_required
from peewee import SQL, DateField, DateTimeField, fn

from .models import (GIFT_OCCASIONS, GIFT_STATUSES, PULSES, RELATIONS, TOUCH_KINDS, Contact, ContactMethod, ContactTag,
                     FamilyMember, Gesture, Gift, ImportantDate, Interest, PlannedVisit, Promise, Touch, TouchContact)
from .audit import audit
from .contact_cells import dates_cell, family_cell
from .dates import PartialDate
from .db import db
from .search_index import contact_ids_matching
from .spreadsheet import Sheet, write_workbook
from .web import render

bp = Blueprint("exports", __name__)

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QUOTED = frozenset(DANGEROUS + ("'",))  # first characters (after spaces) that csv_safe quotes
FIRST_LOOKED_AT = QUOTED | {" "}
CHUNK = 500  # contacts per batch of queries: memory stays flat whatever the account's size


def csv_safe(value):
    """A CSV cell that no spreadsheet will run: text starting (after spaces) with = + - @ tab CR, or a
    quote, gets a leading quote. Numbers and dates are left alone."""
    if not isinstance(value, str) or value[:1] not in FIRST_LOOKED_AT:
        return value  # most text: the first character alone settles it
    if value.lstrip(" ")[:1] in QUOTED:
        return "'" + value
    return value


def csv_unsafe(value):
    """Undo csv_safe (for import): the exact text that was exported."""
    if isinstance(value, str) and value.startswith("'") and value[1:].lstrip(" ")[:1] in QUOTED:
        return value[1:]
    return value


# Sheet name -> column headers. The Contacts sheet is also the CSV import format.
SHEETS = {
    "Contacts": ["id", "name", "alternative name", "company", "role", "phones", "emails", "city", "tags", "family",
                 "interests", "dates", "next important date", "next date is", "last touch", "open promises",
                 "keep in touch (days)", "how we met", "goals", "challenges", "how I can help", "ideas to give", "what makes them feel important"],
    "Family": ["contact id", "contact", "relation", "name", "birthday", "day", "month", "year",
               "birth year is approximate", "age", "interests", "notes"],
    "Dates": ["contact id", "contact", "whose", "kind", "label", "year", "month", "day", "next", "years then"],
    "Touches": ["contact id", "contact", "when", "kind", "note", "pulse", "about", "with", "touch id"],
    "Promises": ["contact id", "contact", "promise", "due", "done", "status"],
    "Gifts": ["contact id", "contact", "for", "gift", "status", "occasion", "price", "currency", "date", "link", "notes"],
    "Gestures": ["contact id", "contact", "gesture", "due", "status", "outcome", "done"],
    "Planned visits": ["contact id", "contact", "day", "time", "about", "status", "done"],
}
WIDTHS = {"id": 8, "contact id": 10, "touch id": 10, "name": 28, "contact": 28, "company": 24, "role": 20, "city": 16,
          "for": 24, "with": 30, "whose": 24, "relation": 18, "label": 24, "next date is": 28, "tags": 24, "note": 60,
          "notes": 40, "family": 36, "dates": 36, "gesture": 40, "promise": 36, "gift": 30, "interests": 28,
          "how we met": 30, "about": 36, "goals": 36, "challenges": 36, "how I can help": 36, "ideas to give": 36,
          "what makes them feel important": 36, "link": 30}
# The XLSX columns holding dates and date-times, by sheet (each gets its format; sheet_rows never mixes them).
DATES = {"Contacts": {"next important date"}, "Family": {"birthday"}, "Dates": {"next"}, "Promises": {"due"},
         "Gifts": {"date"}, "Gestures": {"due"}, "Planned visits": {"day"}}
MOMENTS = {"Contacts": {"last touch"}, "Touches": {"when"}, "Promises": {"done"}, "Gestures": {"done"},
           "Planned visits": {"done"}}
# Text typed into a box of several lines (and phones, emails, family, dates: one a line), wrapped in the XLSX.
WRAPPED = {"phones", "emails", "family", "dates", "how we met", "goals", "challenges", "how I can help", "ideas to give",
           "what makes them feel important", "note", "notes", "gesture", "outcome"}


def selected_contacts(user, tag="", q=""):
    """The contacts an export covers: all, those of a tag (the filtered people list), or of a search."""
    query = Contact.alphabetical(user, tag or None)
    if q:
        query = query.where(Contact.id.in_(contact_ids_matching(user, q)))
    return query


def filters(source=None):
    """The export's (tag, q) from the query string (or a form)."""
    source = request.args if source is None else source
    return source.get("tag", "").strip()[:200], source.get("q", "").strip()[:200]


def sheet_rows(user, contacts, today, sheets=tuple(SHEETS)):
    """Yield (sheet, row) for the wanted sheets only, a chunk of contacts at a time (a fixed number of queries each)."""
    wanted = set(sheets)
    relations, kinds, pulses = dict(RELATIONS), dict(TOUCH_KINDS), dict(PULSES)
    statuses, occasions, about = dict(GIFT_STATUSES), dict(GIFT_OCCASIONS), {"give": "them", "ask": "me"}
    # Already in the people list's order (sort_name, id), so each chunk comes out in that order too.
    ids = [cid for cid, in contacts.select(Contact.id).tuples()]
    for start in range(0, len(ids), CHUNK):
        by = _grouped(user, ids[start:start + CHUNK], wanted)
        birthdays, interests, touch_people = by["birthdays"], by["interests"], by["touch_people"]
        for c in by["people"]:
            cid, name = c.id, c.name
            family = by["family"].get(cid, ())
            members = {m.id: m for m in family}
            dates = [(PartialDate.of(d), d) for d in by["dates"].get(cid, ())]
            dates = [(partial.next_occurrence(today), partial, d) for partial, d in dates]
            upcoming = sorted(((n, d.id, partial, d) for n, partial, d in dates if n), key=lambda item: item[:2])
            if "Contacts" in wanted:
                next_date = upcoming[0] if upcoming else None
                yield "Contacts", [
                    cid, name, c.alt_name, c.company, c.role,
                    "\n".join(f"{label}: {value}" if label else value for label, value in by["phones"].get(cid, ())),
                    "\n".join(f"{label}: {value}" if label else value for label, value in by["emails"].get(cid, ())),
                    c.city, ", ".join(by["tags"].get(cid, ())),
                    family_cell((m.name, relations.get(m.relation, m.relation),
                                 PartialDate.of(birthdays[m.id]) if m.id in birthdays else None) for m in family),
                    ", ".join(i.name for i in interests.get(cid, ()) if not i.family_member_id),
                    dates_cell((d.kind, d.label, partial) for _, partial, d in dates if not d.family_member_id),
                    next_date[0] if next_date else None,
                    ImportantDate.title(next_date[3], members, c) if next_date else "",
                    c.last_touch_at, by["open_promises"].get(cid, 0), c.cadence_days,
                    c.how_we_met, c.goals, c.challenges, c.how_to_help, c.ideas_to_give, c.feel_important,
                ]
            if "Family" in wanted:
                for m in family:
                    born = PartialDate.of(birthdays[m.id]) if m.id in birthdays else PartialDate()
                    yield "Family", [
                        cid, name, relations.get(m.relation, m.relation), m.name,
                        _whole_date(born), born.day, born.month, born.year,
                        ("yes" if born.approximate else "no") if born.year else None, born.age_on(today),
                        ", ".join(i.name for i in interests.get(cid, ()) if i.family_member_id == m.id), m.notes,
                    ]
            if "Dates" in wanted:
                for next_on, _, partial, d in upcoming + [(None, d.id, partial, d) for n, partial, d in dates if not n]:
                    yield "Dates", [cid, name, members[d.family_member_id].name if d.family_member_id else name,
                                    d.kind, d.label, d.year, d.month, d.day, next_on, partial.years_at(next_on)]
            for _, touch_id, when, kind, note, pulse, give_ask in by["touches"].get(cid, ()):
                others = touch_people.get(touch_id)
                yield "Touches", [cid, name, when, kinds.get(kind, kind), note, pulses.get(pulse, ""),
                                  about.get(give_ask, ""), ", ".join(n for n in others if n != name) if others else "",
                                  touch_id]
            for p in by["promises"].get(cid, ()):
                yield "Promises", [cid, name, p.text, p.due_on, p.done_at, Promise.status(p, today)]
            for g in by["gifts"].get(cid, ()):
                yield "Gifts", [cid, name, members[g.family_member_id].name if g.family_member_id in members else name,
                                g.description, statuses.get(g.status, g.status), occasions.get(g.occasion, g.occasion),
                                float(g.price) if g.price is not None else None, g.currency, g.date, g.link, g.notes]
            for g in by["gestures"].get(cid, ()):
                yield "Gestures", [cid, name, g.text, g.due_on, g.status, g.outcome, g.done_at]
            for v in by["visits"].get(cid, ()):
                yield "Planned visits", [cid, name, v.on, _clock_time(v.at), v.note, "done" if v.done_at else "planned",
                                         v.done_at]


def _clock_time(value):
    """A planned visit's time as the sheet shows it ("10:00", text: a time alone is no date), or None."""
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's stored text, read straight from the cursor
        value = datetime.time.fromisoformat(value)
    return value.strftime("%H:%M")


def _whole_date(partial):
    """A real date when the year, month and day are known (the year not approximate), else None: the column sorts."""
    if partial.year and partial.has_day and not partial.approximate:
        return datetime.date(partial.year, partial.month, partial.day)
    return None


def _fetch(query, fields):
    """The query's rows as named tuples (named by column), straight from the database cursor.

    Only dates and times are converted: text and numbers come ready, and peewee's per-cell conversion into
    model instances was most of the export's time (measured). Model methods that only read attributes
    (ImportantDate.title, Promise.status) work on these rows as they are.
    """
    make = functools.partial(tuple.__new__, collections.namedtuple("Row", [f.column_name for f in fields]))
    dated = [(i, _date_reader(f)) for i, f in enumerate(fields) if isinstance(f, (DateField, DateTimeField))]
    cursor = db.execute(query)
    if not dated:
        return map(make, cursor)

    if len(dated) == 1:
        (i, convert), = dated

        def converted(values):
            """The row with its date read."""
            return make(values[:i] + (convert(values[i]),) + values[i + 1:])
    else:
        def converted(values):
            """The row with its dates read."""
            values = list(values)
            for i, convert in dated:
                values[i] = convert(values[i])
            return make(values)

    return map(converted, cursor)


def _date_reader(field):
    """The field's python_value, reading ISO text with fromisoformat first: peewee tries strptime formats one
    by one, which was a tenth of a large export (measured). PostgreSQL's dates are dates already."""
    parse = datetime.datetime.fromisoformat if isinstance(field, DateTimeField) else datetime.date.fromisoformat
    fallback = field.python_value

    def read(value):
        """The value as a date or datetime, as peewee would read it."""
        if value.__class__ is str:
            try:
                return parse(value)
            except ValueError:
                pass
        return fallback(value)

    return read


def _id_list(ids):
    """Integer ids as one inlined SQL list, "(3, 1, 2)": safe, as int() leaves only digits, and binding each id
    as its own parameter cost more than running the export's queries (measured)."""
    return SQL("(" + ", ".join(str(int(i)) for i in ids) + ")")


def _grouped(user, ids, wanted):
    """These contacts and what hangs off them for the wanted sheets, grouped by contact id (one query per kind).

    A kind that no wanted sheet shows is not fetched at all (an empty dict).
    """
    chunk = _id_list(ids)

    def rows(model, *fields, order):
        """This user's rows of a model for these contacts, the contact id first, in `order` within a contact."""
        fields = (model.contact, *fields)
        # Ordered by contact first, the database reads the contact index, not every row of the user (measured).
        query = model.for_user(user, *fields).where(model.contact.in_(chunk)).order_by(model.contact, *order)
        return _fetch(query, fields)

    def group(rows, value=None):
        """{contact id: [value(row) or row, ...]} for rows whose first column is the contact id (runs of rows
        of one contact are taken at once)."""
        out = {}
        for key, run in itertools.groupby(rows, operator.itemgetter(0)):
            out.setdefault(key, []).extend(map(value, run) if value else run)
        return out

    person = [Contact.id, Contact.name]
    if "Contacts" in wanted:
        person += [Contact.alt_name, Contact.company, Contact.role, Contact.city, Contact.last_touch_at, Contact.cadence_days,
                   Contact.how_we_met, Contact.goals, Contact.challenges, Contact.how_to_help, Contact.ideas_to_give,
                   Contact.feel_important]
    people = {c.id: c for c in _fetch(Contact.for_user(user, *person).where(Contact.id.in_(chunk)), person)}
    by = {"people": [people[cid] for cid in ids], "phones": {}, "emails": {}, "tags": {}, "family": {},
          "interests": {}, "dates": {}, "birthdays": {}, "open_promises": {}, "touches": {}, "touch_people": {},
          "promises": {}, "gifts": {}, "gestures": {}, "visits": {}}
    if "Contacts" in wanted:
        methods = list(rows(ContactMethod, ContactMethod.kind, ContactMethod.label, ContactMethod.value,
                            order=[ContactMethod.position]))
        by["phones"] = group((m for m in methods if m.kind == "phone"), lambda m: (m.label, m.value))
        by["emails"] = group((m for m in methods if m.kind == "email"), lambda m: (m.label, m.value))
        by["tags"] = group(rows(ContactTag, ContactTag.name, order=[ContactTag.key]), lambda t: t.name)
        open_counts = (Promise.for_user(user, Promise.contact, fn.COUNT(Promise.id))
                       .where(Promise.contact.in_(chunk) & Promise.done_at.is_null()).group_by(Promise.contact))
        by["open_promises"] = dict(db.execute(open_counts))
    if wanted & {"Contacts", "Family", "Dates", "Gifts"}:
        by["family"] = group(rows(FamilyMember, FamilyMember.id, FamilyMember.relation, FamilyMember.name,
                                  FamilyMember.notes, order=[FamilyMember.id]))
    if wanted & {"Contacts", "Family"}:
        by["interests"] = group(rows(Interest, Interest.family_member, Interest.name, order=[Interest.id]))
    if wanted & {"Contacts", "Family", "Dates"}:
        dates = list(rows(ImportantDate, ImportantDate.id, ImportantDate.family_member, ImportantDate.kind,
                          ImportantDate.label, ImportantDate.year, ImportantDate.month, ImportantDate.day,
                          ImportantDate.year_approximate, order=[ImportantDate.id]))
        by["dates"] = group(dates)
        by["birthdays"] = {d.family_member_id: d for d in dates if d.kind == "birthday" and d.family_member_id}
    if "Touches" in wanted:
        fields = (TouchContact.contact, Touch.id, Touch.happened_at, Touch.kind, Touch.note, Touch.pulse,
                  Touch.give_ask)
        touches = (Touch.select(*fields).join(TouchContact)
                   .where((Touch.user == user) & TouchContact.contact.in_(chunk))
                   .order_by(TouchContact.contact, TouchContact.happened_at.desc()))
        by["touches"] = group(_fetch(touches, fields))
        shared = (TouchContact.select(TouchContact.touch)
                  .where(TouchContact.touch.in_(TouchContact.select(TouchContact.touch)
                                                .where(TouchContact.contact.in_(chunk))))
                  .group_by(TouchContact.touch).having(fn.COUNT(TouchContact.id) > 1))
        links = (TouchContact.select(TouchContact.touch, Contact.name).join(Contact)
                 .where(TouchContact.touch.in_(shared)))
        by["touch_people"] = group(db.execute(links), lambda link: link[1])
    if "Promises" in wanted:
        by["promises"] = group(rows(Promise, Promise.text, Promise.due_on, Promise.done_at, order=[Promise.due_on]))
    if "Gifts" in wanted:
        by["gifts"] = group(rows(Gift, Gift.family_member, Gift.description, Gift.status, Gift.occasion, Gift.price,
                                 Gift.currency, Gift.date, Gift.link, Gift.notes, order=[Gift.id]))
    if "Gestures" in wanted:
        by["gestures"] = group(rows(Gesture, Gesture.text, Gesture.due_on, Gesture.status, Gesture.outcome,
                                    Gesture.done_at, order=[Gesture.due_on]))
    if "Planned visits" in wanted:
        by["visits"] = group(rows(PlannedVisit, PlannedVisit.on, PlannedVisit.at, PlannedVisit.note,
                                  PlannedVisit.done_at, order=[PlannedVisit.on, PlannedVisit.id]))
    return by


def write_xlsx(path, rows):
    """Write the sheets, one per kind, from (sheet, row) pairs, read as the first sheet (Contacts) is written;
    the other sheets' rows wait on disk for their turn (journal/spool.py)."""
    write_workbook(path, [Sheet(name, tuple(headers), WIDTHS, frozenset(DATES.get(name, ())),
                                frozenset(MOMENTS.get(name, ())), frozenset(WRAPPED.intersection(headers)))
                          for name, headers in SHEETS.items()], rows)


def write_csv(stream, headers, rows):
    """Write one sheet as CSV (UTF-8 with BOM for spreadsheet apps), every text cell formula-safe."""
    writer = csv.writer(stream)
    writer.writerow(headers)
    writer.writerows(map(_csv_row, rows))


CSV_CELLS = {  # by exact type; anything else goes through _csv_text
    type(None): lambda value: "", str: csv_safe, int: lambda value: value, float: lambda value: value,
    bool: lambda value: "yes" if value else "no", datetime.date: datetime.date.isoformat,
    datetime.datetime: lambda value: value.isoformat(" ", "minutes"),
}


def _csv_row(row):
    """A row's cells as CSV values: ISO dates, plain numbers, yes/no, formula-safe text, '' for nothing."""
    return [CSV_CELLS.get(value.__class__, _csv_text)(value) for value in row]


def _csv_text(value):
    """Any other value as formula-safe text."""
    return csv_safe(str(value))


def stamp():
    """Today's date for file names."""
    return datetime.date.today().isoformat()


def _temp_file(suffix):
    """A temporary file path, removed with the answer if the export fails (download_response removes a sent one)."""
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)

    @after_this_request
    def cleanup(response):
        """Remove the temporary file once an error page has been handed over."""
        response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
        return response

    return path


@bp.route("/export")
@login_required
def index():
    """The export page: what can be taken away, in which format."""
    tag, q = filters()
    return render("exports/index.html", section="people", tag=tag, q=q,
                  count=selected_contacts(current_user, tag, q).count())


@bp.route("/export.xlsx")
@login_required
def xlsx():
    """Everything (or the filtered people) as one workbook, a sheet per kind."""
    path = _temp_file(".xlsx")
    write_xlsx(path, sheet_rows(current_user, selected_contacts(current_user, *filters()), datetime.date.today()))
    return download_response(path, f"rapport-{stamp()}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/export.csv")
@login_required
def contacts_csv():
    """The Contacts sheet as CSV (also the import format)."""
    stream = io.StringIO()
    stream.write("\ufeff")
    rows = (row for _, row in sheet_rows(current_user, selected_contacts(current_user, *filters()), datetime.date.today(),
                                         sheets=["Contacts"]))
    write_csv(stream, SHEETS["Contacts"], rows)
    return download_response(io.BytesIO(stream.getvalue().encode("utf-8")), f"rapport-contacts-{stamp()}.csv",
                             FORMATS["csv"][0])


@bp.route("/export.zip")
@login_required
def csv_zip():
    """One CSV per sheet, zipped; each sheet goes to its own temporary file as rows come (flat memory)."""
    path = _temp_file(".zip")
    write_zip(path, sheet_rows(current_user, selected_contacts(current_user, *filters()), datetime.date.today()))
    return download_response(path, f"rapport-{stamp()}.zip", "application/zip")


def write_zip(path, rows):
    """Write one CSV per sheet into a zip; each sheet goes to its own temporary file as rows come (flat memory)."""
    with tempfile.TemporaryDirectory() as folder:
        files = {name: open(os.path.join(folder, f"{name.lower()}.csv"), "w", encoding="utf-8-sig", newline="")
                 for name in SHEETS}
        try:
            writers = {name: csv.writer(handle) for name, handle in files.items()}
            for name, writer in writers.items():
                writer.writerow(SHEETS[name])
            for name, row in rows:
                writers[name].writerow(_csv_row(row))
        finally:
            for handle in files.values():
                handle.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in SHEETS:
                archive.write(os.path.join(folder, f"{name.lower()}.csv"), f"{name.lower()}.csv")


def download_response(source, filename, mimetype, tag=None, q=None):
    """Send a file (a path, or a file object) as a download (audited). A file on disk is opened and removed at once, and
    sent from the open handle: send_file's answer goes to the server as it is (direct passthrough), so callbacks on its
    close never run, and a temporary file would stay behind."""
    if isinstance(source, str):
        handle = open(source, "rb")
        os.remove(source)
        source = handle
    if tag is None:
        tag, q = filters()
    audit("export", detail=f"{filename.rsplit('.', 1)[-1]}" + (f" tag={tag[:40]}" if tag else "") + (" search" if q else ""))
    response = send_file(source, mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0)
    # Werkzeug adds "; charset=utf-8" to any text/ type, even one that names its charset already.
    response.headers["Content-Type"] = mimetype
    response.headers["Cache-Control"] = "no-store"
    return response


def write_contacts_csv(path, rows):
    """Write the Contacts sheet's rows as one CSV file (UTF-8 with BOM), the import's format."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        write_csv(handle, SHEETS["Contacts"], (row for _, row in rows))


# The formats an export prepared in the background comes in (journal/tasks.py): MIME type, writer, sheets written.
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx, tuple(SHEETS)),
    "zip": ("application/zip", write_zip, tuple(SHEETS)),
    "csv": ("text/csv; charset=utf-8", write_contacts_csv, ("Contacts",)),
}
