"""Your data is yours: spreadsheet exports (XLSX, CSV, a zip of CSVs) that never carry live formulas."""
import csv
import datetime
import io
import os
import tempfile
import zipfile

import xlsxwriter
from flask import Blueprint, after_this_request, request, send_file
from flask_login import current_user, login_required
from peewee import fn

from .models import (GIFT_OCCASIONS, GIFT_STATUSES, PULSES, RELATIONS, TOUCH_KINDS, Contact, ContactMethod, ContactTag,
                     FamilyMember, Gesture, Gift, ImportantDate, Interest, Promise, Touch, TouchContact)
from .audit import audit
from .search_index import contact_ids_matching
from .web import render

bp = Blueprint("exports", __name__)

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500  # contacts per batch of queries: memory stays flat whatever the account's size


def csv_safe(value):
    """A CSV cell that no spreadsheet will run: text starting (after spaces) with = + - @ tab CR, or a
    quote, gets a leading quote. Numbers and dates are left alone."""
    if not isinstance(value, str):
        return value
    if value.lstrip(" ")[:1] in DANGEROUS + ("'",):
        return "'" + value
    return value


def csv_unsafe(value):
    """Undo csv_safe (for import): the exact text that was exported."""
    if isinstance(value, str) and value.startswith("'") and value[1:].lstrip(" ")[:1] in DANGEROUS + ("'",):
        return value[1:]
    return value


# Sheet name -> column headers. The Contacts sheet is also the CSV import format.
SHEETS = {
    "Contacts": ["id", "name", "company", "role", "phones", "emails", "city", "tags", "family", "interests",
                 "next important date", "next date is", "last touch", "open promises", "keep in touch (days)",
                 "how we met", "goals", "challenges", "how I can help", "ideas to give", "what makes them feel important"],
    "Family": ["contact id", "contact", "relation", "name", "birthday", "birth year is approximate", "age",
               "interests", "notes"],
    "Dates": ["contact id", "contact", "whose", "kind", "label", "year", "month", "day", "next", "years then"],
    "Touches": ["contact id", "contact", "when", "kind", "note", "pulse", "about", "with", "touch id"],
    "Promises": ["contact id", "contact", "promise", "due", "done", "status"],
    "Gifts": ["contact id", "contact", "for", "gift", "status", "occasion", "price", "currency", "date", "link", "notes"],
    "Gestures": ["contact id", "contact", "gesture", "due", "status", "outcome", "done"],
}
WIDTHS = {"id": 8, "contact id": 10, "touch id": 10, "note": 60, "notes": 40, "family": 36, "gesture": 40,
          "promise": 36, "gift": 30, "interests": 28, "how we met": 30, "goals": 36, "challenges": 36,
          "how I can help": 36, "ideas to give": 36, "what makes them feel important": 36, "link": 30}


def selected_contacts(user):
    """The contacts an export covers: all, those of the filtered people list (?tag=...), or of a search (?q=...)."""
    query = Contact.alphabetical(user, request.args.get("tag", "").strip() or None)
    text = request.args.get("q", "").strip()
    if text:
        query = query.where(Contact.id.in_(contact_ids_matching(user, text)))
    return query


def sheet_rows(user, contacts, today):
    """Yield (sheet, row) for every sheet, a chunk of contacts at a time (a fixed number of queries per chunk)."""
    relations, kinds, pulses = dict(RELATIONS), dict(TOUCH_KINDS), dict(PULSES)
    statuses, occasions = dict(GIFT_STATUSES), dict(GIFT_OCCASIONS)
    ids = [c.id for c in contacts.select(Contact.id)]
    for start in range(0, len(ids), CHUNK):
        chunk_ids = ids[start:start + CHUNK]
        people = {c.id: c for c in Contact.for_user(user).where(Contact.id.in_(chunk_ids))}
        order = sorted(chunk_ids, key=lambda i: (people[i].sort_name, i))
        by = _grouped(user, chunk_ids)
        for cid in order:
            c = people[cid]
            family = by["family"].get(cid, [])
            dates = [(d.partial.next_occurrence(today), d) for d in by["dates"].get(cid, [])]
            upcoming = sorted(((n, d.id, d) for n, d in dates if n), key=lambda item: (item[0], item[1]))
            members = {m.id: m for m in family}
            next_date = upcoming[0] if upcoming else None
            yield "Contacts", [
                c.id, c.name, c.company, c.role,
                "\n".join(f"{m.label}: {m.value}" if m.label else m.value for m in by["phones"].get(cid, [])),
                "\n".join(f"{m.label}: {m.value}" if m.label else m.value for m in by["emails"].get(cid, [])),
                c.city, ", ".join(t.name for t in by["tags"].get(cid, [])),
                ", ".join(_family_summary(m, by["birthdays"].get(m.id), relations, today) for m in family),
                ", ".join(i.name for i in by["interests"].get(cid, []) if not i.family_member_id),
                next_date[0] if next_date else None,
                next_date[2].title(members, c) if next_date else "",
                c.last_touch_at, len([p for p in by["promises"].get(cid, []) if p.done_at is None]),
                c.cadence_days, c.how_we_met, c.goals, c.challenges, c.how_to_help, c.ideas_to_give, c.feel_important,
            ]
            for m in family:
                b = by["birthdays"].get(m.id)
                yield "Family", [
                    cid, c.name, relations.get(m.relation, m.relation), m.name,
                    _full_date(b) if b else "",
                    bool(b and b.year_approximate), b.partial.age_on(today) if b else None,
                    ", ".join(i.name for i in by["interests"].get(cid, []) if i.family_member_id == m.id), m.notes,
                ]
            for next_on, _, d in upcoming + [(None, d.id, d) for n, d in dates if not n]:
                yield "Dates", [cid, c.name, members[d.family_member_id].name if d.family_member_id else c.name,
                                d.kind, d.label, d.year, d.month, d.day, next_on, d.partial.years_at(next_on)]
            for _, touch_id, when, kind, note, pulse, give_ask in by["touches"].get(cid, []):
                yield "Touches", [cid, c.name, when, kinds.get(kind, kind), note, pulses.get(pulse, ""),
                                  {"give": "them", "ask": "me"}.get(give_ask, ""),
                                  ", ".join(n for n in by["touch_people"].get(touch_id, []) if n != c.name), touch_id]
            for p in by["promises"].get(cid, []):
                yield "Promises", [cid, c.name, p.text, p.due_on, p.done_at, p.status(today)]
            for g in by["gifts"].get(cid, []):
                yield "Gifts", [cid, c.name, members[g.family_member_id].name if g.family_member_id in members else c.name,
                                g.description, statuses.get(g.status, g.status), occasions.get(g.occasion, g.occasion),
                                float(g.price) if g.price is not None else None, g.currency, g.date, g.link, g.notes]
            for g in by["gestures"].get(cid, []):
                yield "Gestures", [cid, c.name, g.text, g.due_on, g.status, g.outcome, g.done_at]


def _full_date(d):
    """A real date when the year, month and day are known, else the partial label."""
    if d.year and d.month and d.day and not d.year_approximate:
        return datetime.date(d.year, d.month, d.day)
    return d.partial.label()


def _family_summary(member, birthday, relations, today):
    """'Marc (spouse / partner)', 'Léa (child, 9)': readable, and read back by the CSV import."""
    age = birthday.partial.age_label(today) if birthday else ""
    relation = relations.get(member.relation, member.relation).lower()
    return f"{member.name} ({relation}, {age})" if age else f"{member.name} ({relation})"


def _grouped(user, ids):
    """Everything that hangs off these contacts, grouped by contact id (one query per kind)."""
    def group(query, key=lambda row: row.contact_id):
        out = {}
        for row in query:
            out.setdefault(key(row), []).append(row)
        return out

    methods = list(ContactMethod.for_user(user).where(ContactMethod.contact.in_(ids)).order_by(ContactMethod.position))
    dates = list(ImportantDate.for_user(user).where(ImportantDate.contact.in_(ids)).order_by(ImportantDate.id))
    # Touches are most of the rows: plain tuples, not model instances (measured 3x faster).
    touches = (Touch.select(TouchContact.contact, Touch.id, Touch.happened_at, Touch.kind, Touch.note, Touch.pulse,
                            Touch.give_ask)
               .join(TouchContact)
               .where((Touch.user == user) & TouchContact.contact.in_(ids))
               .order_by(TouchContact.happened_at.desc())
               .tuples())
    touch_list = list(touches)
    shared = (TouchContact.select(TouchContact.touch)
              .where(TouchContact.touch.in_(TouchContact.select(TouchContact.touch).where(TouchContact.contact.in_(ids))))
              .group_by(TouchContact.touch).having(fn.COUNT(TouchContact.id) > 1))
    people = {}
    links = (TouchContact.select(TouchContact.touch, Contact.name).join(Contact)
             .where(TouchContact.touch.in_(shared)).tuples())
    for touch_id, name in links:
        people.setdefault(touch_id, []).append(name)
    return {
        "phones": group([m for m in methods if m.kind == "phone"]),
        "emails": group([m for m in methods if m.kind == "email"]),
        "tags": group(ContactTag.for_user(user).where(ContactTag.contact.in_(ids)).order_by(ContactTag.key)),
        "family": group(FamilyMember.for_user(user).where(FamilyMember.contact.in_(ids)).order_by(FamilyMember.id)),
        "interests": group(Interest.for_user(user).where(Interest.contact.in_(ids)).order_by(Interest.id)),
        "dates": group(dates),
        "birthdays": {d.family_member_id: d for d in dates if d.kind == "birthday" and d.family_member_id},
        "touches": group(touch_list, key=lambda t: t[0]),
        "touch_people": people,
        "promises": group(Promise.for_user(user).where(Promise.contact.in_(ids)).order_by(Promise.due_on)),
        "gifts": group(Gift.for_user(user).where(Gift.contact.in_(ids)).order_by(Gift.id)),
        "gestures": group(Gesture.for_user(user).where(Gesture.contact.in_(ids)).order_by(Gesture.due_on)),
    }


def write_xlsx(path, rows):
    """Write the sheets with XlsxWriter in constant-memory mode: rows go to disk as they come."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DCEFE8", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheets, counts = {}, {}
    for name, headers in SHEETS.items():
        sheet = workbook.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for col, header in enumerate(headers):
            sheet.set_column(col, col, WIDTHS.get(header, max(12, len(header) + 2)))
            sheet.write_string(0, col, header, bold)
        sheets[name], counts[name] = sheet, 0
    # constant_memory keeps one row per sheet in memory; each sheet only ever moves forward.
    for name, row in rows:
        sheet = sheets[name]
        counts[name] += 1
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(counts[name], col, value, time_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(counts[name], col, datetime.datetime.combine(value, datetime.time()), date_format)
            elif isinstance(value, bool):
                sheet.write_boolean(counts[name], col, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(counts[name], col, value)
            else:
                text = str(value)
                sheet.write_string(counts[name], col, text, wrap if "\n" in text else None)
    for name, sheet in sheets.items():
        sheet.autofilter(0, 0, max(counts[name], 1), len(SHEETS[name]) - 1)
    workbook.close()


def write_csv(stream, headers, rows):
    """Write one sheet as CSV (UTF-8 with BOM for spreadsheet apps), every text cell formula-safe."""
    writer = csv.writer(stream)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _csv_value(v) for v in row])


def _csv_value(value):
    """A cell as CSV text: ISO dates, plain numbers, safe strings."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    return csv_safe(str(value))


def _stamp():
    """Today's date for file names."""
    return datetime.date.today().isoformat()


def _temp_file(suffix):
    """A temporary file path that is removed after the response is sent."""
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)

    @after_this_request
    def cleanup(response):
        """Remove the temporary file once the response has been handed over."""
        response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
        return response

    return path


@bp.route("/export")
@login_required
def index():
    """The export page: what can be taken away, in which format."""
    tag, q = request.args.get("tag", "").strip(), request.args.get("q", "").strip()
    return render("exports/index.html", section="people", tag=tag, q=q,
                  count=selected_contacts(current_user).count())


@bp.route("/export.xlsx")
@login_required
def xlsx():
    """Everything (or the filtered people) as one workbook, a sheet per kind."""
    path = _temp_file(".xlsx")
    write_xlsx(path, sheet_rows(current_user, selected_contacts(current_user), datetime.date.today()))
    return _download(path, f"rapport-{_stamp()}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/export.csv")
@login_required
def contacts_csv():
    """The Contacts sheet as CSV (also the import format)."""
    stream = io.StringIO()
    stream.write("\ufeff")
    rows = (row for name, row in sheet_rows(current_user, selected_contacts(current_user), datetime.date.today())
            if name == "Contacts")
    write_csv(stream, SHEETS["Contacts"], rows)
    response = _download(io.BytesIO(stream.getvalue().encode("utf-8")), f"rapport-contacts-{_stamp()}.csv",
                         "text/csv; charset=utf-8")
    return response


@bp.route("/export.zip")
@login_required
def csv_zip():
    """One CSV per sheet, zipped; each sheet goes to its own temporary file as rows come (flat memory)."""
    path = _temp_file(".zip")
    with tempfile.TemporaryDirectory() as folder:
        files = {name: open(os.path.join(folder, f"{name.lower()}.csv"), "w", encoding="utf-8-sig", newline="")
                 for name in SHEETS}
        try:
            writers = {name: csv.writer(handle) for name, handle in files.items()}
            for name, writer in writers.items():
                writer.writerow(SHEETS[name])
            for name, row in sheet_rows(current_user, selected_contacts(current_user), datetime.date.today()):
                writers[name].writerow(["" if v is None else _csv_value(v) for v in row])
        finally:
            for handle in files.values():
                handle.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in SHEETS:
                archive.write(os.path.join(folder, f"{name.lower()}.csv"), f"{name.lower()}.csv")
    return _download(path, f"rapport-{_stamp()}.zip", "application/zip")


def _download(source, filename, mimetype):
    """Send a file as a download; a cookie tells the page the download has started (see app.js)."""
    audit("export", detail=f"{filename.rsplit('.', 1)[-1]}"
          + (f" tag={request.args['tag'][:40]}" if request.args.get("tag") else "")
          + (" search" if request.args.get("q") else ""))
    response = send_file(source, mimetype=mimetype, as_attachment=True, download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    token = request.args.get("token", "")
    if token.isalnum() and len(token) <= 40:
        response.set_cookie(f"download_{token}", "1", max_age=60, samesite="Lax", httponly=False)
    return response
