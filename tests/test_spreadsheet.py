"""DataSheet writes the very XML that XlsxWriter's own cell calls write, and never lets text become markup."""
import datetime
import io
import zipfile

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from journal.spreadsheet import DataSheet, Workbook

OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}
INJECTION = '<r><t>x</t></r></is><f>HYPERLINK("http://evil.example","click")</f><is><r><t>y</t></r>'


def formats(book):
    """The formats the export uses, made in the export's order."""
    bold = book.add_format({"bold": True, "bg_color": "#DCEFE8", "border": 1})
    return (bold, book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            book.add_format({"text_wrap": True, "valign": "top"}))


def stock_write(sheet, row, values, date, time, wrap):
    """The same row through XlsxWriter's own typed calls, as the export wrote it before DataSheet."""
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value)
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, value, time)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, col, value, date)
        elif str(value):
            sheet.write_string(row, col, str(value), wrap if "\n" in str(value) else None)


def build(rows, fast):
    """A one-sheet workbook (a header, then rows) in memory; returns {part name: XML bytes}."""
    out = io.BytesIO()
    book = (Workbook if fast else xlsxwriter.Workbook)(out, OPTIONS)
    book.set_properties({"created": datetime.datetime(2026, 11, 22, 12, 0)})  # else the second may differ
    bold, date, time, wrap = formats(book)
    sheet = book.add_worksheet("Sheet", worksheet_class=DataSheet if fast else None)
    for fmt in (date, time, wrap):
        fmt._get_xf_index()  # DataSheet.set_data_formats numbers these first; so does the reference
    if fast:
        sheet.set_data_formats(date, time, wrap)
    sheet.freeze_panes(1, 0)
    for col in range(5):
        sheet.set_column(col, col, 14)
        sheet.write_string(0, col, f"column {col}", bold)
    for i, values in enumerate(rows, start=1):
        if fast:
            sheet.write_data_row(i, values)
        else:
            stock_write(sheet, i, values, date, time, wrap)
    sheet.autofilter(0, 0, max(len(rows), 1), 4)
    book.close()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


not_rich = st.text().filter(lambda s: not (s.startswith("<r>") and s.endswith("</r>")))
values = st.one_of(
    st.none(), not_rich, st.sampled_from(["", " lead", "trail ", "a\nb", "_x0041_", "x_x00ZZ_", "a&b<c>d\"e'",
                                          "\x00\x07\x1f", "\ufffe\uffff", "Zoë 佐藤 😀"]),
    st.booleans(), st.integers(min_value=-(2 ** 60), max_value=2 ** 60),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(min_value=datetime.date(1900, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1900, 1, 1)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(values, max_size=5), max_size=6))
def test_data_rows_are_byte_for_byte_what_xlsxwriter_writes(rows):
    fast, stock = build(rows, fast=True), build(rows, fast=False)
    assert fast.keys() == stock.keys()
    for name in stock:
        assert fast[name] == stock[name], name


def test_text_past_excels_limit_is_cut_as_xlsxwriter_cuts_it():
    rows = [["x" * 40000, "😀" * 20000, "y" * 16383]]
    fast, stock = build(rows, fast=True), build(rows, fast=False)
    assert fast["xl/worksheets/sheet1.xml"] == stock["xl/worksheets/sheet1.xml"]


def test_text_that_looks_like_markup_stays_text():
    """XlsxWriter writes '<r>...</r>' text raw in constant-memory mode, so it could carry a formula; we don't."""
    stock = build([[INJECTION]], fast=False)["xl/worksheets/sheet1.xml"]
    assert b"<f>HYPERLINK" in stock  # the hole this guards against
    out = io.BytesIO()
    book = Workbook(out, OPTIONS)
    _, date, time, wrap = formats(book)
    sheet = book.add_worksheet("Sheet", worksheet_class=DataSheet)
    sheet.set_data_formats(date, time, wrap)
    sheet.write_data_row(0, [INJECTION, "<b>bold?</b>"])
    book.close()
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")
    cells = load_workbook(io.BytesIO(out.getvalue()))["Sheet"]
    assert (cells["A1"].value, cells["A1"].data_type) == (INJECTION, "s")
    assert cells["B1"].value == "<b>bold?</b>"


def test_rows_only_move_forward_and_stay_inside_the_sheet():
    book = Workbook(io.BytesIO(), OPTIONS)
    _, date, time, wrap = formats(book)
    sheet = book.add_worksheet("Sheet", worksheet_class=DataSheet)
    sheet.set_data_formats(date, time, wrap)
    assert sheet.write_data_row(3, ["a"]) == 0
    with pytest.raises(ValueError):
        sheet.write_data_row(2, ["b"])
    assert sheet.write_data_row(2 ** 20, ["past the last row"]) == -1
    with pytest.raises(TypeError):
        sheet.write_data_row(4, [float("nan")])
    book.close()


def test_only_our_workbook_is_zipped_faster():
    rows = [[f"note {i} " * 20, i, datetime.date(2026, 1, 1 + i % 28)] for i in range(400)]
    fast = io.BytesIO()
    stock = io.BytesIO()
    for out, cls in ((fast, Workbook), (stock, xlsxwriter.Workbook)):
        book = cls(out, OPTIONS)
        # docProps/core.xml carries the build time: pin it, or a second's tick between the two books fails
        book.set_properties({"created": datetime.datetime(2026, 1, 1, 12, 0, 0)})
        sheet = book.add_worksheet("Sheet")
        for i, values in enumerate(rows):
            sheet.write_row(i, 0, values)
        book.close()
    fast_zip, stock_zip = zipfile.ZipFile(fast), zipfile.ZipFile(stock)
    for name in stock_zip.namelist():
        assert fast_zip.read(name) == stock_zip.read(name)
    sheet = "xl/worksheets/sheet1.xml"
    # level 1 against zipfile's default (6): bigger, for the same XML
    assert fast_zip.getinfo(sheet).compress_size > stock_zip.getinfo(sheet).compress_size
