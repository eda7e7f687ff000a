"""The workbook writer: every cell text, number, date or boolean as given, never a formula, and each of
rustpy-xlsxwriter's traps guarded (a test per trap fails without its guard)."""
import datetime
import io
import math
import re
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from journal.spreadsheet import CELL_LIMIT, DATE_FORMAT, MOMENT_FORMAT, Sheet, write_workbook

HEADERS = ("text", "number", "day", "moment", "notes")
SHEET = Sheet("Sheet", HEADERS, {"text": 14, "notes": 40}, frozenset({"day"}), frozenset({"moment"}),
              frozenset({"notes"}))
INJECTION = '<r><t>x</t></r></is><f>HYPERLINK("http://evil.example","click")</f><is><r><t>y</t></r>'
D, T = datetime.date(2026, 11, 22), datetime.datetime(2026, 11, 20, 10, 30)


def build(rows, sheets=(SHEET,)):
    """The workbook of these (sheet, row) pairs, as bytes."""
    out = io.BytesIO()
    write_workbook(out, list(sheets), rows)
    return out.getvalue()


def one_sheet(rows, sheet=SHEET):
    """A one-sheet workbook of these rows: (openpyxl sheet, the sheet's XML)."""
    data = build(((sheet.name, row) for row in rows), [sheet])
    return load_workbook(io.BytesIO(data))[sheet.name], zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def excel_text(value):
    """Text as Excel reads it from the file: each _xHHHH_ is the character it names (so _x005F_ is "_")."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), value)


texts = st.one_of(st.text(), st.sampled_from(
    ["", " lead", "trail ", "a\nb", "a\r\nb", "_x0041_", "_x005F_", "x_x00ZZ_", "a&b<c>d\"e'", "\x00\x07\x1f", "\ufffe\uffff",
     "Zoë 佐藤 😀", "=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "http://example.com", "123", "TRUE", INJECTION]))
general = st.one_of(st.none(), texts, st.booleans(), st.integers(-(2 ** 60), 2 ** 60),
                    st.floats(allow_nan=False, allow_infinity=False))
days = st.one_of(st.none(), texts, st.dates(min_value=datetime.date(1900, 1, 1)))
moments = st.one_of(st.none(), texts, st.datetimes(min_value=datetime.datetime(1900, 1, 1)))
rows = st.lists(st.tuples(general, general, days, moments, texts), max_size=8)


def assert_cell_holds(cell, value):
    """The cell read back holds the value with its type: text, number, boolean, date, date-time, or nothing."""
    if value is None or value == "":
        assert cell.value is None
    elif isinstance(value, str):
        assert (cell.data_type, excel_text(cell.value)) == ("s", value)
    elif isinstance(value, bool):
        assert (cell.data_type, cell.value) == ("b", value)
    elif isinstance(value, (int, float)):
        assert cell.data_type == "n" and cell.value == float(value)
    elif isinstance(value, datetime.datetime):
        assert cell.is_date and cell.number_format == MOMENT_FORMAT
        # rustpy-xlsxwriter keeps whole seconds (XlsxWriter kept microseconds; the sheet shows minutes)
        assert abs(cell.value - value.replace(microsecond=0)) < datetime.timedelta(milliseconds=1)
    else:
        assert cell.is_date and cell.number_format == DATE_FORMAT
        assert cell.value == datetime.datetime.combine(value, datetime.time())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_every_cell_reads_back_as_written_and_none_is_a_formula(values):
    sheet, xml = one_sheet(values)
    assert b"<f>" not in xml and b"<f " not in xml
    assert [c.value for c in sheet[1]] == list(HEADERS)
    for number, row in enumerate(values, start=2):
        for col, value in enumerate(row, start=1):
            assert_cell_holds(sheet.cell(number, col), value)


def test_text_that_looks_like_markup_or_a_formula_stays_text():
    """XlsxWriter's constant-memory mode wrote '<r>...</r>' text raw, carrying a live formula; this writer must not."""
    nasty = [INJECTION, "<b>bold?</b>", "=1+1", "+SUM(A1)", "-2+3", "@cmd", "http://example.com", "123"]
    sheet, xml = one_sheet([[text, None, None, None, text] for text in nasty])
    assert b"<f>" not in xml and b"<f " not in xml
    for number, text in enumerate(nasty, start=2):
        assert (sheet.cell(number, 1).data_type, sheet.cell(number, 1).value) == ("s", text)


def test_rows_as_mappings_land_under_their_headers_whatever_the_key_order():
    """rustpy-xlsxwriter fills cells by position: a mapping row is put in the header's order first."""
    sheet, _ = one_sheet([
        {"text": "first", "number": 1, "day": D, "moment": T, "notes": "n1"},
        {"notes": "n2", "moment": T, "day": D, "number": 2, "text": "second"},
        {"number": 3, "text": "third"},
    ])
    by_header = [dict(zip(HEADERS, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(r["text"], r["number"], r["notes"]) for r in by_header] == [("first", 1, "n1"), ("second", 2, "n2"),
                                                                        ("third", 3, None)]
    assert by_header[1]["day"] == datetime.datetime(2026, 11, 22) and by_header[2]["day"] is None


def test_a_row_that_does_not_fit_the_columns_is_refused():
    with pytest.raises(ValueError, match="not columns"):
        build([("Sheet", {"text": "x", "colour": "red"})])
    with pytest.raises(ValueError, match="6 values"):
        build([("Sheet", ["a", 1, None, None, "", "one too many"])])


def test_a_blank_first_row_keeps_dates_and_date_times_real_each_in_its_format():
    """One date-time format per workbook, and a first row without dates: dates still read back as dates."""
    sheet, _ = one_sheet([["", None, None, "", ""], [None, 1, D, T, None], ["x", 2, "3 Dec", None, None],
                          [None, 3, D, T, None]])
    for number in (3, 5):
        day, moment = sheet.cell(number, 3), sheet.cell(number, 4)
        assert day.is_date and day.value == datetime.datetime(2026, 11, 22) and day.number_format == DATE_FORMAT
        assert moment.is_date and moment.value == T and moment.number_format == MOMENT_FORMAT
    assert sheet.cell(4, 3).value == "3 Dec"  # a partial date stays its label
    assert [sheet.cell(n, 2).value for n in (3, 4, 5)] == [1, 2, 3] and not sheet.cell(4, 2).is_date


@pytest.mark.parametrize("row, message", [
    (["x", D, None, None, ""], "not declared"),  # numbers below it in that column would read as dates
    ([None, T, None, None, ""], "not declared"),
    ([None, None, 45000, None, ""], "holds only dates"),  # would read as a date
    ([None, None, T, None, ""], "holds only dates"),  # its time would be hidden
    ([None, None, None, D, ""], "holds only dates with a time"),
])
def test_dates_only_in_their_own_columns(row, message):
    with pytest.raises(ValueError, match=message):
        build([("Sheet", row)])


def test_text_past_excels_limit_is_cut_with_a_marker_and_the_workbook_opens():
    """The writer would abort the whole workbook on text over 32,767 characters: it is cut, and says so."""
    long_texts = ["x" * 40000, "😀" * 20000, "y" * 16383, "z" * CELL_LIMIT]
    sheet, _ = one_sheet([[text, None, None, None, text] for text in long_texts])
    x_cell, emoji_cell = sheet["A2"].value, sheet["E3"].value
    assert x_cell.startswith("x" * 30000) and x_cell.endswith(
        " … [cut here: 40,000 characters in all; the full backup (.json) has the whole text]")
    assert emoji_cell.startswith("😀" * 15000) and "[cut here: 20,000 characters in all;" in emoji_cell
    for cut in (x_cell, emoji_cell):
        assert len(cut.encode("utf-16-le")) // 2 <= CELL_LIMIT  # as Excel counts
    assert (sheet["A4"].value, sheet["A5"].value) == ("y" * 16383, "z" * CELL_LIMIT)  # at the limit: whole


def test_dates_before_excels_first_day_are_written_as_their_text():
    """A great-grandmother's birthday from a restored backup would abort the workbook: it is written as text."""
    sheet, _ = one_sheet([[None, None, datetime.date(1850, 3, 4), datetime.datetime(1899, 12, 31, 23, 5), ""],
                          [None, None, datetime.date(1900, 1, 1), datetime.datetime(1900, 1, 1, 0, 0), ""]])
    assert (sheet["C2"].value, sheet["D2"].value) == ("1850-03-04", "1899-12-31 23:05")
    assert sheet["C3"].value == datetime.datetime(1900, 1, 1) and sheet["D3"].is_date


def test_other_values_are_their_text_and_a_number_must_be_finite():
    sheet, _ = one_sheet([[Decimal("1.50"), Decimal("2"), None, None, ""]])
    assert (sheet["A2"].value, sheet["B2"].value) == ("1.50", "2")  # as the XlsxWriter export wrote them
    with pytest.raises(TypeError):
        build([("Sheet", [None, math.nan, None, None, ""])])  # else an empty cell: a value lost without a word


def test_layout_header_frozen_filter_widths_and_wrapped_text():
    sheet, _ = one_sheet([["a", 1, D, T, "line one\nline two"], ["b", 2, D, T, "short"]])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3"
    header = sheet["A1"]
    assert header.font.b and header.fill.fgColor.rgb.endswith("DCEFE8") and header.border.bottom.style == "thin"
    widths = {letter: round(dimension.width) for letter, dimension in sheet.column_dimensions.items()}
    assert (widths["A"], widths["B"], widths["E"]) == (15, 13, 41)  # 14, the default 12 and 40, plus Excel's padding
    assert sheet["E2"].alignment.wrap_text and sheet["E2"].alignment.vertical == "top"
    assert not sheet["A2"].alignment.wrap_text


def test_every_sheet_in_order_even_without_rows_keeps_its_header_widths_and_filter():
    """The writer takes a sheet's header from its first record: a sheet with no rows still gets one."""
    other = Sheet("Other", ("id", "name"), {"name": 30})
    data = build([("Other", [1, "Zoë"]), ("Other", {"name": "Tom", "id": 2})], [SHEET, other])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Sheet", "Other"]
    empty = book["Sheet"]
    assert [c.value for c in empty[1]] == list(HEADERS) and empty.max_row <= 2
    assert empty.freeze_panes == "A2" and empty.auto_filter.ref and round(empty.column_dimensions["E"].width) == 41
    assert list(book["Other"].iter_rows(values_only=True)) == [("id", "name"), (1, "Zoë"), (2, "Tom")]


def test_a_failure_while_reading_rows_reaches_the_caller():
    def failing():
        yield "Sheet", ["a", 1, None, None, ""]
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        build(failing())
