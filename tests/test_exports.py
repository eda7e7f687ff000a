"""Exports: XLSX with real dates and the expected sheets, CSV and zip, formula safety, filters, isolation."""
import csv
import datetime
import io
import zipfile

from helpers import add_contact, add_family, capture
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from journal.exports import DANGEROUS, SHEETS, csv_safe, csv_unsafe
from journal.models import Touch


def workbook(response):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=rapport-")
    return load_workbook(io.BytesIO(response.data))


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_xlsx_has_every_sheet_real_dates_and_frozen_headers(ada):
    cid = add_contact(ada, name="Zoë Martin", tags="VIP")
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017", interests="violin")
    capture(ada, [cid], note="=cmd|' /C calc'!A0", happened_at="2026-11-20T10:30", promise_text="send the brochure",
            promise_due="2026-11-27", gift_idea="chess set")
    book = workbook(ada.get("/export.xlsx"))
    assert book.sheetnames == list(SHEETS)
    contacts = book["Contacts"]
    assert contacts.freeze_panes == "A2" and contacts.auto_filter.ref
    header, zoe = rows(contacts)[:2]
    assert header == SHEETS["Contacts"]
    record = dict(zip(header, zoe))
    assert record["name"] == "Zoë Martin" and record["tags"] == "VIP" and record["open promises"] == 1
    assert record["family"].startswith("Léa (") and "sailing" in record["interests"]
    assert isinstance(record["next important date"], datetime.datetime) and record["next date is"] == "Léa's birthday"
    assert isinstance(record["last touch"], datetime.datetime)
    touch = dict(zip(SHEETS["Touches"], rows(book["Touches"])[1]))
    assert touch["when"] == datetime.datetime(2026, 11, 20, 10, 30)
    assert touch["note"] == "=cmd|' /C calc'!A0"  # text, not a formula
    promise = dict(zip(SHEETS["Promises"], rows(book["Promises"])[1]))
    assert promise["due"] == datetime.datetime(2026, 11, 27) and promise["status"] in ("open", "overdue")
    family = dict(zip(SHEETS["Family"], rows(book["Family"])[1]))
    assert family["birthday"] == datetime.datetime(2017, 12, 3) and family["interests"] == "violin"
    assert dict(zip(SHEETS["Gifts"], rows(book["Gifts"])[1]))["gift"] == "chess set"
    for name in SHEETS:  # Gestures and Dates have no rows here: they keep their header, frozen row and filter
        assert rows(book[name])[0] == SHEETS[name] and book[name].freeze_panes == "A2" and book[name].auto_filter.ref
        assert book[name]["A1"].font.b


def test_family_birthdays_sort_as_dates_with_their_parts_in_columns_of_numbers(ada):
    """A real date only where the birthday is whole; day, month and year as numbers; yes/no, never a boolean."""
    cid = add_contact(ada, name="Zoë Martin")
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017")
    add_family(ada, cid, relation="partner", name="Marc", day="14", month="4")
    add_family(ada, cid, name="Tom", age="9")
    add_family(ada, cid, name="Max", day="5", month="6", age="7")
    add_family(ada, cid, relation="parent", name="Ann")
    book = workbook(ada.get("/export.xlsx"))
    sheet = book["Family"]
    family = {r["name"]: r for r in (dict(zip(SHEETS["Family"], row)) for row in rows(sheet)[1:])}
    year = datetime.date.today().year
    parts = {name: (r["birthday"], r["day"], r["month"], r["year"], r["birth year is approximate"])
             for name, r in family.items()}
    assert parts == {
        "Léa": (datetime.datetime(2017, 12, 3), 3, 12, 2017, "no"),
        "Marc": (None, 14, 4, None, None),
        "Tom": (None, None, None, year - 9, "yes"),
        "Max": (None, 5, 6, family["Max"]["year"], "yes"),
        "Ann": (None, None, None, None, None),
    }
    assert family["Max"]["year"] in (year - 7, year - 8) and family["Tom"]["age"] == 9
    column = SHEETS["Family"].index("birthday") + 1
    assert sheet.cell(2, column).number_format == "yyyy-mm-dd"
    assert all(cell.value is None or cell.is_date for cell in next(sheet.iter_cols(column, column, 2)))
    for name in SHEETS:  # yes/no is text in every sheet: LibreOffice saves a boolean as a formula, =TRUE()
        assert not [cell.coordinate for row in book[name].iter_rows() for cell in row if cell.data_type == "b"], name


def test_xlsx_dates_and_times_each_in_their_format_and_notes_wrapped(ada):
    cid = add_contact(ada, name="Zoë Martin")
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017")
    capture(ada, [cid], note="Line one\nline two", happened_at="2026-11-20T10:30", promise_text="send the brochure",
            promise_due="2026-11-27")
    book = workbook(ada.get("/export.xlsx"))
    contacts, touches, promises = book["Contacts"], book["Touches"], book["Promises"]
    column = {name: {header: i + 1 for i, header in enumerate(SHEETS[name])} for name in SHEETS}
    assert contacts.cell(2, column["Contacts"]["next important date"]).number_format == "yyyy-mm-dd"
    assert contacts.cell(2, column["Contacts"]["last touch"]).number_format == "yyyy-mm-dd hh:mm"
    assert touches.cell(2, column["Touches"]["when"]).number_format == "yyyy-mm-dd hh:mm"
    assert promises.cell(2, column["Promises"]["due"]).number_format == "yyyy-mm-dd"
    note = touches.cell(2, column["Touches"]["note"])
    assert note.value == "Line one\nline two" and note.alignment.wrap_text
    assert round(touches.column_dimensions["E"].width) == 61  # the note column: 60, plus Excel's padding


def test_columns_of_names_are_wide_enough_for_a_whole_name(ada):
    add_contact(ada)
    book = workbook(ada.get("/export.xlsx"))
    names = {"name", "contact", "for", "with", "whose", "company"}
    checked = 0
    for sheet in SHEETS:
        # Neighbouring columns of one width are stored as one range (min to max).
        widths = {column: d.width for d in book[sheet].column_dimensions.values() for column in range(d.min, d.max + 1)}
        for column, header in enumerate(SHEETS[sheet], start=1):
            if header in names:
                assert widths[column] >= 24, (sheet, header)
                checked += 1
    assert checked >= 12


def test_a_note_past_excels_cell_limit_is_cut_in_the_xlsx_and_whole_elsewhere(app, ada):
    """Excel holds 32,767 characters in a cell: the workbook says where it cut, and the backup has it all."""
    cid = add_contact(ada, name="Zoë Martin")
    capture(ada, [cid], note="short for now")
    long_note = "".join(f"{i:05d} " for i in range(40000 // 6)) + "THE END"
    with app.app_context():
        Touch.update(note=long_note).execute()
    note = dict(zip(SHEETS["Touches"], rows(workbook(ada.get("/export.xlsx"))["Touches"])[1]))["note"]
    assert note.startswith(long_note[:32000]) and "THE END" not in note
    assert note.endswith(f"… [cut here: {len(long_note):,} characters in all; the full backup (.json) has the whole text]")
    assert len(note) <= 32767
    assert long_note in ada.get("/backup.json").get_data(as_text=True)
    touches = zipfile.ZipFile(io.BytesIO(ada.get("/export.zip").data)).read("touches.csv").decode("utf-8-sig")
    assert long_note in touches


def test_no_cell_is_a_formula(ada):
    nasty = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", " =HYPERLINK(\"http://evil\")", "http://example.com",
             # XlsxWriter's constant-memory mode wrote text shaped like an inline rich string raw: a live formula
             '<r><t>x</t></r></is><f>HYPERLINK("http://evil","click")</f><is><r><t>y</t></r>']
    for i, text in enumerate(nasty):
        add_contact(ada, name=f"Person {i}", company=text, phones="", emails="")
    book = workbook(ada.get("/export.xlsx"))
    sheet = book["Contacts"]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
    companies = [dict(zip(SHEETS["Contacts"], r))["company"] for r in rows(sheet)[1:]]
    stored = [t.strip() for t in nasty]  # the form trims surrounding spaces
    assert sorted(companies) == sorted(stored)
    data = ada.get("/export.csv").get_data(as_text=True).lstrip("\ufeff")
    for record in csv.DictReader(io.StringIO(data)):
        assert record["company"].lstrip(" ")[:1] not in DANGEROUS
        assert csv_unsafe(record["company"]) in stored


@given(st.text())
def test_csv_safe_never_starts_a_formula_and_round_trips(text):
    safe = csv_safe(text)
    assert safe.lstrip(" ")[:1] not in DANGEROUS
    assert csv_unsafe(safe) == text


@given(st.sampled_from(DANGEROUS + ("'",)), st.text(), st.integers(0, 5))
def test_csv_safe_catches_every_dangerous_start(first, rest, spaces):
    text = " " * spaces + first + rest
    assert csv_safe(text).startswith("'")
    assert csv_unsafe(csv_safe(text)) == text


def test_each_download_says_its_type_once(ada):
    add_contact(ada)
    assert ada.get("/export.csv").headers["Content-Type"] == "text/csv; charset=utf-8"
    assert ada.get("/export.zip").headers["Content-Type"] == "application/zip"
    assert ada.get("/export.xlsx").headers["Content-Type"] == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_zip_has_one_csv_per_sheet(ada):
    cid = add_contact(ada)
    capture(ada, [cid], note="Hello")
    response = ada.get("/export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted(f"{name.lower()}.csv" for name in SHEETS)
    touches = archive.read("touches.csv").decode("utf-8-sig")
    assert "Hello" in touches and touches.splitlines()[0].split(",")[:3] == ["contact id", "contact", "when"]


def test_filtered_export_holds_only_those_people(ada):
    vip = add_contact(ada, name="Vip Person", tags="VIP", phones="", emails="")
    other = add_contact(ada, name="Other Person", tags="reseller", phones="", emails="")
    capture(ada, [vip], note="vip note")
    capture(ada, [other], note="other note")
    book = workbook(ada.get("/export.xlsx?tag=vip"))
    assert [r[1] for r in rows(book["Contacts"])[1:]] == ["Vip Person"]
    assert [dict(zip(SHEETS["Touches"], r))["note"] for r in rows(book["Touches"])[1:]] == ["vip note"]
    assert "1 person" in ada.get("/export?tag=VIP").get_data(as_text=True)


def test_export_isolation(ada, bob):
    cid = add_contact(ada, name="Ada's secret client")
    capture(ada, [cid], note="Ada's secret note")
    add_contact(bob, name="Bob's client", phones="", emails="")
    for url in ("/export.xlsx", "/export.zip", "/export.csv"):
        body = bob.get(url).data
        assert b"secret" not in body and "secret".encode("utf-16-le") not in body
    book = workbook(bob.get("/export.xlsx"))
    assert [r[1] for r in rows(book["Contacts"])[1:]] == ["Bob's client"]


def test_export_needs_login(client):
    assert client.get("/export.xlsx").status_code == 302


def test_export_of_a_search(ada):
    violin = add_contact(ada, name="Tom Walsh", phones="", emails="", interests="")
    add_family(ada, violin, name="Léa", interests="violin")
    add_contact(ada, name="Other Person", phones="", emails="", interests="golf")
    assert "People found by “viol”" in ada.get("/export?q=viol").get_data(as_text=True)
    book = workbook(ada.get("/export.xlsx?q=viol"))
    assert [r[1] for r in rows(book["Contacts"])[1:]] == ["Tom Walsh"]
    assert "Export the people found" in ada.hx("/search?q=viol", "search-results").get_data(as_text=True)


def test_libreoffice_opens_the_workbook(ada, tmp_path):
    """LibreOffice reads every sheet as written: its own re-save holds the same values, dates and text."""
    import shutil
    import subprocess

    import pytest

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        pytest.skip("LibreOffice is not installed: the headless conversion check is skipped")
    cid = add_contact(ada)
    add_family(ada, cid, name="Léa", day="3", month="12", year="2017", interests="violin")
    add_family(ada, cid, name="Tom", age="9")
    capture(ada, [cid], note='Line one\n<r><t>x</t></r></is><f>HYPERLINK("http://evil","click")</f><is><r>\n=1+1',
            happened_at="2026-11-20T10:30", promise_text="send the brochure", promise_due="2026-11-27")
    source = tmp_path / "export.xlsx"
    source.write_bytes(ada.get("/export.xlsx").data)
    (tmp_path / "out").mkdir()
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)
    ours, theirs = load_workbook(source), load_workbook(tmp_path / "out" / "export.xlsx")
    assert theirs.sheetnames == ours.sheetnames == list(SHEETS)
    for name in SHEETS:  # a true/false cell would come back as the formula =TRUE() or =FALSE()
        assert rows(theirs[name]) == rows(ours[name]), name
        assert all(cell.data_type != "f" for row in theirs[name].iter_rows() for cell in row), name
    touch = dict(zip(SHEETS["Touches"], rows(theirs["Touches"])[1]))
    assert touch["when"] == datetime.datetime(2026, 11, 20, 10, 30) and touch["note"].endswith("\n=1+1")


def test_the_alternative_name_has_its_own_column(ada):
    add_contact(ada, name="Yamada Taro", alt_name="山田太郎")
    add_contact(ada, name="Tom Walsh")
    book = workbook(ada.get("/export.xlsx"))
    header, *people = rows(book["Contacts"])
    assert header[1:3] == ["name", "alternative name"]
    assert {r[1]: r[2] for r in people} == {"Tom Walsh": None, "Yamada Taro": "山田太郎"}
    body = ada.get("/export.csv").get_data(as_text=True).lstrip("\ufeff")
    assert {r["name"]: r["alternative name"] for r in csv.DictReader(io.StringIO(body))} == \
        {"Tom Walsh": "", "Yamada Taro": "山田太郎"}
