"""An XlsxWriter worksheet that takes a whole row of plain values at once: the export's hot loop."""
import collections
import contextvars
import datetime
import math
import zipfile

import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.utility import _datetime_to_excel_datetime, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import re_control_chars_1, re_control_chars_2

# The deflate level of the workbook being closed in this thread (None: zipfile's default, level 6).
_zip_level = contextvars.ContextVar("zip_level", default=None)


def _zip_file(*args, **kwargs):
    """zipfile.ZipFile at the level asked for by the Workbook being closed in this thread."""
    return zipfile.ZipFile(*args, compresslevel=_zip_level.get(), **kwargs)


class Workbook(xlsxwriter.Workbook):
    """XlsxWriter's workbook, zipped at deflate level 1 instead of 6.

    A 10k-person export is 85 MB of sheet XML: level 6 spends 0.9 s of CPU on it and level 1 0.25 s, for a
    file of 10.7 MB instead of 8.3 MB (measured). XlsxWriter has no option for the level, so its module's
    ZipFile is pointed at _zip_file, which reads the level of the workbook closing in this thread; any other
    workbook keeps zipfile's default.
    """

    def close(self):
        """Write the file (XlsxWriter's close), zipped at level 1."""
        xlsxwriter.workbook.ZipFile = _zip_file
        token = _zip_level.set(1)
        try:
            return super().close()
        finally:
            _zip_level.reset(token)


class DataSheet(Worksheet):
    """A constant-memory worksheet whose data rows go to disk as one XML string per row.

    XlsxWriter still makes everything else: the header row, columns, panes, the filter, the styles and the
    zip. Only the per-cell path is shorter: XlsxWriter's write_string/number/boolean/datetime and its row flush
    cost about 5 µs a cell, which was two thirds of a 10k-person export (docs/benchmarks.md). Each value is
    written as exactly the XML those calls would write (tests/test_spreadsheet.py compares the two), with one
    deliberate difference: text that looks like an inline rich string ("<r>...</r>") is escaped like any
    other text. XlsxWriter writes such text raw, so a note could carry a live formula into the file.

    Use it through Workbook.add_worksheet(name, worksheet_class=DataSheet), then set_data_formats() and
    write_data_row() for each row, in increasing row order.
    """

    def set_data_formats(self, date, time, wrap):
        """The formats of dates, date-times and text of several lines in data rows."""
        self._data_styles = {"date": date._get_xf_index(), "time": time._get_xf_index(),
                             "wrap": wrap._get_xf_index()}
        self._date_serials = {}
        self._columns = []
        self._cell = self._typed_cells()

    def write_data_row(self, row, values):
        """Write one row: text (empty text writes nothing), bool, int, float, date, datetime or None.

        Returns 0, or -1 when the row is outside the sheet (as XlsxWriter's own calls do).
        """
        if row >= self.xls_rowmax:
            return -1
        if row < self.previous_row or (row == self.previous_row and self.table):
            raise ValueError("rows of a constant-memory sheet can only move forward")
        if row in self.row_info:
            raise ValueError("data rows take no set_row() format")
        if self.table:
            self._write_single_row(row)  # a row written through XlsxWriter's own calls (the header)
        self.previous_row = row
        number = str(row + 1)
        columns = self._columns
        if len(values) > len(columns):
            self._add_columns(len(values))
            columns = self._columns
        cell = self._cell
        cells = [cell[value.__class__](value, column, number) for value, column in zip(values, columns)]
        last = len(cells) - 1
        while last >= 0 and not cells[last]:
            last -= 1
        if last < 0:
            return 0
        if last >= self.xls_colmax:
            return -1
        first = 0
        while not cells[first]:
            first += 1
        self._check_dimensions(row, first)
        if last != first:
            self._check_dimensions(row, last)
        if self.excel_version == 2010 or self.default_row_height != self.original_row_height:
            self._write_row(row, None)
            self.fh.write("".join(cells) + "</row>")
        else:
            self.fh.write(f'<row r="{number}">' + "".join(cells) + "</row>")
        return 0

    def _add_columns(self, count):
        """Work out (letters, style attribute) once for each column up to `count`."""
        for col in range(len(self._columns), count):
            info = self.col_info.get(col)
            style = ""
            if info is not None and info.column_format is not None:
                style = f' s="{info.column_format._get_xf_index()}"'
            self._columns.append((xl_col_to_name(col), style))

    def _typed_cells(self):
        """{type: cell(value, column, number) -> XML or ''}; any other type is written as its text."""
        date_style, time_style = self._data_styles["date"], self._data_styles["time"]
        serials, date_1904, remove_timezone = self._date_serials, self.date_1904, self.remove_timezone

        wrap_style, strmax = f' s="{self._data_styles["wrap"]}"', self.xls_strmax

        def text(value, column, number):
            """Text, inline as in constant-memory mode: escaped, never read as markup or a formula.

            The steps are XlsxWriter's own (_write_string, then _write_cell for an inline string), each
            skipped when a cheap test shows it would change nothing. Empty text writes no cell.
            """
            if not value:
                return ""
            style = wrap_style if "\n" in value else column[1]
            if len(value) > strmax // 2 and _utf16_len(value) > strmax:
                value = _utf16_truncate(value, strmax)
            if "_x" in value:
                value = re_control_chars_1.sub(r"_x005F\1", value)
            if not value.isprintable():  # control characters and U+FFFE/U+FFFF are all unprintable
                value = re_control_chars_2.sub(_control_escape, value)
                value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
            # XlsxWriter's _preserve_whitespace() (^\s or \s$) as two string tests
            space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
            if "&" in value or "<" in value or ">" in value:
                value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            return f'<c r="{column[0]}{number}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'

        def other(value, column, number):
            """Any other value, as its text."""
            return text(str(value), column, number)

        def boolean(value, column, number):
            """True or False."""
            return f'<c r="{column[0]}{number}"{column[1]} t="b"><v>{1 if value else 0}</v></c>'

        def num(value, column, number):
            """A number (a float must be finite: a spreadsheet has no NaN or infinity)."""
            if value.__class__ is float and not math.isfinite(value):
                raise TypeError(f"{value!r} is not a number a spreadsheet can hold")
            return f'<c r="{column[0]}{number}"{column[1]}><v>{value:.16G}</v></c>'

        def date(value, column, number):
            """A date, as a date serial in the date format."""
            serial = serials.get(value)
            if serial is None:
                serial = serials[value] = _datetime_to_excel_datetime(value, date_1904, remove_timezone)
            return f'<c r="{column[0]}{number}" s="{date_style}"><v>{serial:.16G}</v></c>'

        def moment(value, column, number):
            """A date and time, in the date-time format."""
            serial = _datetime_to_excel_datetime(value, date_1904, remove_timezone)
            return f'<c r="{column[0]}{number}" s="{time_style}"><v>{serial:.16G}</v></c>'

        cells = collections.defaultdict(lambda: other)
        cells.update({str: text, type(None): lambda value, column, number: "", bool: boolean, int: num,
                      float: num, datetime.date: date, datetime.datetime: moment})
        return cells


def _control_escape(match):
    """A control character as Excel's _xHHHH_ escape."""
    return f"_x{ord(match.group(1)):04X}_"
