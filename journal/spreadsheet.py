"""Workbooks written through rustpy-xlsxwriter's public API: typed columns, rows streamed, no cell a formula.

rustpy-xlsxwriter (0.8) writes every text as an inline string, never as a formula or a link, escapes control
characters and `_xHHHH_` look-alikes as Excel reads them, and streams rows to disk (constant memory). Its
traps are guarded here, each with a test in tests/test_spreadsheet.py:

- it fills a row's cells from the record's values by position, not by key: records are built here, keys in
  the header's order, from rows given in that order or as mappings;
- a column that has held a date shows any later number in it as a date too, and there is one date-time
  format per workbook: a sheet declares its date and date-time columns, which get their own formats, and a
  date anywhere else, or a number among dates, is refused;
- text over Excel's 32,767-character limit aborts the whole workbook, and so does a date before 1900: such
  text is cut with a visible marker, such a date written as its ISO text;
- a sheet without rows would have no header row: it gets one empty record.
"""
import collections.abc
import dataclasses
import datetime
import math
import operator
import tempfile
from types import NoneType

import rustpy_xlsxwriter

from .spool import Spool

DATE_FORMAT, MOMENT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
CELL_LIMIT = 32767  # Excel's longest text in a cell, in UTF-16 code units
FIRST_DAY = datetime.date(1900, 1, 1)  # Excel's first day; the writer refuses anything earlier
FIRST_MOMENT = datetime.datetime.combine(FIRST_DAY, datetime.time())


@dataclasses.dataclass(frozen=True)
class Sheet:
    """A sheet: its name, column headers in order, widths by header, and the columns holding dates (shown
    yyyy-mm-dd), date-times (yyyy-mm-dd hh:mm) and text of several lines (wrapped)."""

    name: str
    headers: tuple
    widths: dict = dataclasses.field(default_factory=dict)
    dates: frozenset = frozenset()
    moments: frozenset = frozenset()
    wrapped: frozenset = frozenset()

    def __post_init__(self):
        """Refuse headers that repeat or columns that are not among the headers (records are keyed by header)."""
        if len(set(self.headers)) != len(self.headers):
            raise ValueError(f"sheet {self.name!r} repeats a header")
        unknown = (set(self.dates) | set(self.moments) | set(self.wrapped)) - set(self.headers)
        if unknown or set(self.dates) & set(self.moments):
            raise ValueError(f"sheet {self.name!r}: {sorted(unknown) or 'a column both dates and date-times'}")


def write_workbook(target, sheets, rows):
    """Write `sheets` (Sheet, in order) to a path or binary buffer, from `rows`: (sheet name, row) in any mix
    of sheets, each row a sequence in the header's order or a mapping by header. Rows are read as they are
    written, so a caller counting them sees the work move."""
    header = rustpy_xlsxwriter.Format().set_bold().set_background_color("#DCEFE8").set_border("thin")
    date = rustpy_xlsxwriter.Format().set_num_format(DATE_FORMAT)
    moment = rustpy_xlsxwriter.Format().set_num_format(MOMENT_FORMAT)
    wrap = rustpy_xlsxwriter.Format().set_text_wrap().set_align("top")
    formats = {sheet.name: {**dict.fromkeys(sheet.wrapped, wrap), **dict.fromkeys(sheet.dates, date),
                            **dict.fromkeys(sheet.moments, moment)} for sheet in sheets}
    with tempfile.TemporaryDirectory(prefix="workbook-") as folder:
        # Rows become records as they are read, so that work is done while a caller counting them sees it.
        spool = Spool(rows, [sheet.name for sheet in sheets], folder,
                      {sheet.name: _recorder(sheet) for sheet in sheets})
        try:
            rustpy_xlsxwriter.write_worksheets(
                [(sheet.name, _headed(sheet, spool.rows(sheet.name))) for sheet in sheets], target,
                freeze_panes={"general": {"row": 1, "col": 0}}, datetime_format=MOMENT_FORMAT,
                header_format={sheet.name: header for sheet in sheets},
                column_widths={sheet.name: [sheet.widths.get(h, max(12, len(h) + 2)) for h in sheet.headers]
                               for sheet in sheets},
                column_formats={name: columns for name, columns in formats.items() if columns},
                autofilter={sheet.name: True for sheet in sheets})
        finally:
            spool.close()


def _recorder(sheet):
    """record(row): the row as the {header: cell} record rustpy-xlsxwriter takes, keys in the header's order."""
    headers = sheet.headers
    cells = [_column_cell(sheet, header) for header in headers]
    ready = {}  # a row's shape (its values' types) -> ready(row): True when every value can go as it is

    def record(row):
        """The row (a sequence in the header's order, or a mapping by header) as a record."""
        if row.__class__ is not list and isinstance(row, collections.abc.Mapping):
            row = _in_order(sheet, row)
        elif len(row) != len(headers):
            raise ValueError(f"a row of {len(row)} values for the {len(headers)} columns of {sheet.name!r}")
        shape = tuple(map(type, row))
        check = ready.get(shape)
        if check is None:
            check = ready[shape] = _readiness(sheet, shape)
        if not check(row):
            row = [cell(value) for cell, value in zip(cells, row)]
        return dict(zip(headers, row))

    return record


def _headed(sheet, records):
    """The records, or one empty record if there are none: the writer takes a sheet's header row (and with it
    the widths and the filter) from its first record."""
    records = iter(records)
    first = next(records, None)
    yield dict.fromkeys(sheet.headers) if first is None else first
    yield from records


def _readiness(sheet, shape):
    """ready(row) for rows of this shape: True when no value needs its column's cell() (most rows, as one
    shape repeats: checking a row's shape at once is a fraction of the cost of a call per cell)."""
    texts, floats, days, moments = [], [], [], []
    for i, (header, kind) in enumerate(zip(sheet.headers, shape)):
        dated = header in sheet.dates or header in sheet.moments
        if kind is str:
            texts.append(i)
        elif kind is NoneType or (kind is int or kind is bool) and not dated:
            continue
        elif kind is float and not dated:
            floats.append(i)
        elif kind is datetime.date and header in sheet.dates:
            days.append(i)
        elif kind is datetime.datetime and header in sheet.moments:
            moments.append(i)
        else:
            return _never  # a type to convert or refuse
    texts, floats, days, moments = map(_picker, (texts, floats, days, moments))

    def ready(row):
        """No text too long, no float that is not finite, no date before Excel's first day."""
        return ((texts is None or max(map(len, texts(row))) <= CELL_LIMIT // 2)
                and (floats is None or all(map(math.isfinite, floats(row))))
                and (days is None or min(days(row)) >= FIRST_DAY)
                and (moments is None or min(moments(row)) >= FIRST_MOMENT))

    return ready


def _never(row):
    """Not ready: each value goes through its column's cell()."""
    return False


def _picker(indexes):
    """pick(row): the values at these indexes as a tuple (None when there are none)."""
    if not indexes:
        return None
    if len(indexes) == 1:
        index, = indexes
        return lambda row: (row[index],)
    return operator.itemgetter(*indexes)


def _in_order(sheet, row):
    """A mapping row's values in the header's order (a header it lacks is an empty cell)."""
    unknown = set(row) - set(sheet.headers)
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not columns of {sheet.name!r}")
    return [row.get(header) for header in sheet.headers]


def _column_cell(sheet, header):
    """cell(value) for this column: the value as the writer should take it, or ValueError/TypeError."""
    if header in sheet.dates:
        return _date_cell(sheet.name, header, datetime.date)
    if header in sheet.moments:
        return _date_cell(sheet.name, header, datetime.datetime)

    def cell(value):
        """Text, a number, a boolean or nothing; any other type as its text. Never a date."""
        kind = value.__class__
        if kind is str:
            return value if len(value) <= CELL_LIMIT // 2 else _fit(value)  # a character is at most 2 units
        if value is None or kind is int or kind is bool:
            return value
        if kind is float:
            if not math.isfinite(value):
                raise TypeError(f"{value!r} is not a number a spreadsheet can hold")
            return value
        if isinstance(value, datetime.date):
            raise ValueError(f"a date in {sheet.name!r} column {header!r}, which is not declared as one: "
                             "numbers below it would show as dates")
        return _fit(str(value))

    return cell


def _date_cell(sheet, header, kind):
    """cell(value) for a column of dates (kind date) or date-times (kind datetime): those, text or nothing."""
    first = FIRST_DAY if kind is datetime.date else FIRST_MOMENT
    early = datetime.date.isoformat if kind is datetime.date else lambda value: value.isoformat(" ", "minutes")
    what = "dates" if kind is datetime.date else "dates with a time"

    def cell(value):
        """The value, a date before Excel's first day as its ISO text; a number or the other kind refused."""
        if value.__class__ is kind:
            return value if value >= first else early(value)
        if value is None:
            return None
        if value.__class__ is str:
            return _fit(value)
        raise ValueError(f"{value!r} in {sheet!r} column {header!r}, which holds only {what}")

    return cell


def _fit(text):
    """The text, cut to Excel's cell limit with a visible marker when it is longer (the writer would abort)."""
    if len(text) <= CELL_LIMIT // 2 or len(text.encode("utf-16-le")) <= 2 * CELL_LIMIT:
        return text
    marker = f" … [cut here: {len(text):,} characters in all; the full backup (.json) has the whole text]"
    room = CELL_LIMIT - len(marker.encode("utf-16-le")) // 2
    # Cut in UTF-16, as Excel counts; a character split in two is dropped.
    return text.encode("utf-16-le")[:2 * room].decode("utf-16-le", "ignore") + marker
