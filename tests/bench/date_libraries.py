"""Side by side: dateparser.search_dates and parsedatetime on the date phrases of tests/test_extraction.py (which
journal/when.py passes). Not part of the project: run it in a venv of its own,
`python3 -m venv /tmp/dp && /tmp/dp/bin/pip install dateparser parsedatetime && /tmp/dp/bin/python tests/bench/date_libraries.py`."""
import datetime
import os
import re
import statistics
import time

import dateparser
from dateparser.search import search_dates
import parsedatetime
src = open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "test_extraction.py")).read()
rows = re.findall(r'\("([^"]+)", (WEDNESDAY|datetime\.date\((\d+), (\d+), (\d+)\)), "(\d{4}-\d\d-\d\d)"\)', src)
W = datetime.date(2026, 3, 11)
ok = {"dateparser": 0, "parsedatetime": 0}
times = {"dateparser": [], "parsedatetime": []}
cal = parsedatetime.Calendar()
for phrase, t, y, m, d, want in rows:
    today = W if t == "WEDNESDAY" else datetime.date(int(y), int(m), int(d))
    base = datetime.datetime.combine(today, datetime.time(12))
    s = time.perf_counter()
    found = search_dates(phrase, languages=["en", "de"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"})
    times["dateparser"].append(time.perf_counter() - s)
    dp = found[0][1].date().isoformat() if found else None
    s = time.perf_counter()
    st, flag = cal.parseDT(phrase, sourceTime=base)
    times["parsedatetime"].append(time.perf_counter() - s)
    pd = st.date().isoformat() if flag else None
    ok["dateparser"] += dp == want
    ok["parsedatetime"] += pd == want
    print(f"{phrase!r:45} want {want}  dateparser {dp}  parsedatetime {pd}")
print(len(rows), "phrases:", ok)
for k, v in times.items():
    print(k, "median ms %.2f" % (statistics.median(v) * 1000))
