"""The spool: rows of several sheets, mixed in one iterator, come out sheet by sheet, each in its order."""
import pytest

from journal import spool as spool_module
from journal.spool import Spool


def test_spool_hands_out_each_sheets_rows_in_order_reading_only_as_far_as_needed(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_module, "BATCH", 3)  # so rows also go through the files
    taken = []

    def source():
        for i in range(20):
            for name in ("a", "b", "c") if i % 2 else ("b", "a"):
                taken.append((name, i))
                yield name, (name, i)

    spool = Spool(source(), ["a", "b", "c"], tmp_path)
    a_rows = spool.rows("a")
    assert next(a_rows) == ("a", 0) and taken == [("b", 0), ("a", 0)]  # the source is read lazily
    c_rows = spool.rows("c")
    assert next(c_rows) == ("c", 1)
    assert list(spool.rows("b")) == [("b", i) for i in range(20)]  # reads the rest of the source
    assert list(a_rows) == [("a", i) for i in range(1, 20)]
    assert list(c_rows) == [("c", i) for i in range(3, 20, 2)]
    spool.close()
    with pytest.raises(ValueError, match="not one of the sheets"):
        list(Spool([("zzz", [1])], ["a"], tmp_path).rows("a"))
