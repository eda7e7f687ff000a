"""Export benchmark: XLSX and the CSV zip of 10k demo contacts (~100k touches): time and peak memory.

Each export runs in a fresh process, so the peak resident memory measured is the export's own
(the process's baseline, Python and the app, is printed beside it).

Usage: .venv/bin/python tests/bench/export.py [--contacts N] [--seed S] [--runs R] [--db PATH] [--writers | --progress]

--db keeps the database at PATH (built there once, migrated and reused by later runs) instead of a temporary folder.
--writers compares, on the very same rows (gathered once), the app's workbook writer (journal.exports.write_xlsx,
rustpy-xlsxwriter behind the app's guards) with the same sheets written by libraries straight, where they are
installed: rustpy-xlsxwriter alone, XlsxWriter's public API, pyexcelerate (the last two are not app requirements).
--progress writes the XLSX as the background job does (journal/export_jobs.py counts people as their rows are read)
and reports when the progress bar would move: the first step, the longest wait between two steps, and the wait
from the last person counted to the file being ready (the bar shows 100% meanwhile).
"""
import argparse
import datetime
import importlib.metadata
import os
import pickle
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

EMAIL, PASSWORD = "bench@example.com", "bench password 2026"


def peak_rss_mb():
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's, across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss():
    """Start the peak afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def child(path, url):
    """In a fresh process: log in, GET the export, report seconds, size and peak RSS."""
    from journal import create_app

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    # Logging in verifies an Argon2id hash, which alone peaks at 64 MB and would hide the export's own peak.
    reset_peak_rss()
    baseline = peak_rss_mb()
    start = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    assert response.status_code == 200, response.status_code
    print(f"{seconds:.2f} {len(body)} {baseline:.0f} {peak:.0f}")


def prepare(path, contacts, seed):
    """Bring the SQLite file at `path` up to date, filling it first with the bench user's demo contacts if new."""
    from journal import create_app, demo, migrate
    from journal.db import db
    from journal.models import User

    new = not os.path.exists(path)
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        migrate.upgrade(backup_dir=os.path.join(os.path.dirname(path), "backups"))
        if new:
            user = User.register(EMAIL, PASSWORD)
            demo.write(user, demo.generate(random.Random(seed), contacts, demo.datetime.date.today()))
        db.close()


def measure(path, runs):
    """Run each export `runs` times in fresh processes and print the medians as a Markdown table."""
    print("| export | seconds (median) | runs | size MB | process peak RSS MB | baseline RSS MB |")
    print("|---|---:|---|---:|---:|---:|")
    for url in ("/export.xlsx", "/export.zip", "/export.csv"):
        results = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, __file__, "--child", path, url], capture_output=True, text=True,
                                 env=dict(os.environ, INSTANCE_PATH=os.path.dirname(path)), check=True).stdout.split()
            results.append((float(out[0]), int(out[1]), float(out[2]), float(out[3])))
        seconds = statistics.median(r[0] for r in results)
        size, peak, baseline = results[-1][1], max(r[3] for r in results), max(r[2] for r in results)
        each = ", ".join(f"{r[0]:.2f}" for r in results)
        print(f"| GET {url} | {seconds:.2f} | {each} | {size / 1e6:.1f} | {peak:.0f} | {baseline:.0f} |")


def dump_rows(path, out):
    """Gather the bench user's rows once, as the XLSX export does, and pickle them to `out` as (sheet, row) pairs
    in the export's order (a person's rows for every sheet together)."""
    from journal import create_app
    from journal.exports import sheet_rows
    from journal.models import Contact, User

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        user = User.by_email(EMAIL)
        pairs = list(sheet_rows(user, Contact.alphabetical(user), datetime.date.today()))
    with open(out, "wb") as handle:
        pickle.dump(pairs, handle)


def app_book(sheets, pairs, path):
    """The app's own writer, journal.exports.write_xlsx (rustpy-xlsxwriter, through journal.spreadsheet), given
    the rows in the export's order, so it also sets aside the other sheets' rows while writing Contacts."""
    from journal.exports import write_xlsx

    write_xlsx(path, iter(pairs))


def xlsxwriter_book(sheets, pairs, path):
    """XlsxWriter through its public API only, in constant-memory mode: a typed write call per cell."""
    import xlsxwriter
    from journal.exports import SHEETS, WIDTHS

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#DCEFE8", "border": 1})
    date, time = workbook.add_format({"num_format": "yyyy-mm-dd"}), workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for col, header in enumerate(SHEETS[name]):
            sheet.set_column(col, col, WIDTHS.get(header, max(12, len(header) + 2)))
            sheet.write_string(0, col, header, bold)
        for number, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(number, col, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(number, col, value)
                elif isinstance(value, datetime.datetime):
                    sheet.write_datetime(number, col, value, time)
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(number, col, value, date)
                else:
                    sheet.write_string(number, col, str(value), wrap if "\n" in str(value) else None)
        sheet.autofilter(0, 0, max(len(rows), 1), len(SHEETS[name]) - 1)
    workbook.close()


def rustpy_book(sheets, pairs, path):
    """rustpy-xlsxwriter: same sheets, bold header, widths, frozen header row and filters; one date-time format."""
    import rustpy_xlsxwriter
    from journal.exports import SHEETS, WIDTHS

    def records(headers, rows):
        """The rows as the {header: value} records the library takes, made as it reads them."""
        return (dict(zip(headers, row)) for row in rows)

    rustpy_xlsxwriter.write_worksheets(
        [(name, records(SHEETS[name], rows)) for name, rows in sheets.items()], path,
        freeze_panes={"general": {"row": 1, "col": 0}}, bold_headers=True, autofilter={name: True for name in sheets},
        column_widths={name: [WIDTHS.get(h, max(12, len(h) + 2)) for h in SHEETS[name]] for name in sheets},
        datetime_format="yyyy-mm-dd hh:mm")


def pyexcelerate_book(sheets, pairs, path):
    """PyExcelerate: same cells, frozen header row, widths and date formats by column; it has no filters, and
    it turns text that starts with = into a formula, so the app could not use it as it is."""
    from pyexcelerate import Format, Panes, Style, Workbook
    from journal.exports import SHEETS, WIDTHS

    workbook = Workbook()
    for name, rows in sheets.items():
        sheet = workbook.new_sheet(name, data=[SHEETS[name]] + rows)
        sheet.panes = Panes(0, 1)
        for col, header in enumerate(SHEETS[name], start=1):
            kinds = {type(row[col - 1]) for row in rows[:200]}
            style = Style(size=WIDTHS.get(header, max(12, len(header) + 2)))
            if datetime.datetime in kinds:
                style.format = Format("yyyy-mm-dd hh:mm")
            elif datetime.date in kinds:
                style.format = Format("yyyy-mm-dd")
            sheet.set_col_style(col, style)
    workbook.save(path)


# name -> (writer, the package whose version is shown)
WRITERS = {"app": (app_book, "rustpy-xlsxwriter"), "rustpy-xlsxwriter": (rustpy_book, "rustpy-xlsxwriter"),
           "xlsxwriter": (xlsxwriter_book, "xlsxwriter"), "pyexcelerate": (pyexcelerate_book, "pyexcelerate")}


def writer_child(name, rows_path, out):
    """In a fresh process: load the rows, write them with one library, report seconds, size and peak RSS."""
    for module in ("journal.exports", WRITERS[name][1].replace("-", "_")):  # imports are not the writer's time
        importlib.import_module(module)
    with open(rows_path, "rb") as handle:
        pairs = pickle.load(handle)
    sheets = {}
    for sheet, row in pairs:
        sheets.setdefault(sheet, []).append(row)
    reset_peak_rss()
    baseline = peak_rss_mb()
    start = time.perf_counter()
    WRITERS[name][0](sheets, pairs, out)
    seconds = time.perf_counter() - start
    print(f"{seconds:.2f} {os.path.getsize(out)} {baseline:.0f} {peak_rss_mb():.0f}")


def compare_writers(path, runs, tmp):
    """Write the same rows with each installed library, `runs` times each in fresh processes (medians)."""
    rows_path = os.path.join(tmp, "rows.pickle")
    dump_rows(path, rows_path)
    print("| writer | version | seconds (median) | runs | size MB | peak RSS MB | baseline RSS MB (rows loaded) |")
    print("|---|---|---:|---|---:|---:|---:|")
    for name in WRITERS:
        try:
            version = importlib.metadata.version(WRITERS[name][1])
        except importlib.metadata.PackageNotFoundError:
            print(f"| {name} | not installed here | | | | | |")
            continue
        results = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, __file__, "--writer-child", name, rows_path,
                                  os.path.join(tmp, "out.xlsx")], capture_output=True, text=True, check=True)
            results.append([float(v) for v in out.stdout.split()])
        each = ", ".join(f"{r[0]:.2f}" for r in results)
        label = {"app": "the app's write_xlsx (rustpy-xlsxwriter, guarded)", "xlsxwriter": "XlsxWriter, public API"}.get(name, name)
        print(f"| {label} | {version} | {statistics.median(r[0] for r in results):.2f} | {each} | "
              f"{results[-1][1] / 1e6:.1f} | {max(r[3] for r in results):.0f} | {max(r[2] for r in results):.0f} |")


def progress_child(path):
    """In a fresh process: write the XLSX as the export job does, timing each STEP people; report the seconds to
    the first step, the longest gap between steps, from the last person to the file, and in all."""
    from journal import create_app
    from journal.export_jobs import STEP
    from journal.exports import selected_contacts, sheet_rows, write_xlsx
    from journal.models import User

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context(), tempfile.TemporaryDirectory() as tmp:
        user = User.by_email(EMAIL)
        steps = []
        start = time.perf_counter()

        def counted():
            """The rows, a time noted every STEP people (when the job saves its progress)."""
            people = 0
            for sheet, row in sheet_rows(user, selected_contacts(user), datetime.date.today()):
                if sheet == "Contacts":
                    people += 1
                    if people % STEP == 0:
                        steps.append(time.perf_counter())
                yield sheet, row
            steps.append(time.perf_counter())  # the last person: the bar is full

        write_xlsx(os.path.join(tmp, "out.xlsx"), counted())
        end = time.perf_counter()
    gaps = [b - a for a, b in zip(steps, steps[1:])]
    print(f"{steps[0] - start:.2f} {max(gaps, default=0):.2f} {end - steps[-1]:.2f} {end - start:.2f}")


def measure_progress(path, runs):
    """Run progress_child `runs` times in fresh processes; print the medians as a Markdown table."""
    results = [[float(v) for v in subprocess.run(
        [sys.executable, __file__, "--progress-child", path], capture_output=True, text=True, check=True,
        env=dict(os.environ, INSTANCE_PATH=os.path.dirname(path))).stdout.split()] for _ in range(runs)]
    print("| XLSX job | first step s | longest gap between steps s | last person to file ready s | in all s |")
    print("|---|---:|---:|---:|---:|")
    medians = [statistics.median(r[i] for r in results) for i in range(4)]
    print("| medians of " + f"{runs} runs | " + " | ".join(f"{m:.2f}" for m in medians) + " |")
    for r in results:
        print("| a run | " + " | ".join(f"{v:.2f}" for v in r) + " |")


def main():
    """Build the data once, then export in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db")
    parser.add_argument("--writers", action="store_true")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--writer-child", nargs=3)
    parser.add_argument("--progress-child")
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    if args.writer_child:
        return writer_child(*args.writer_child)
    if args.progress_child:
        return progress_child(args.progress_child)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.abspath(args.db) if args.db else os.path.join(tmp, "bench.sqlite3")
        os.environ["INSTANCE_PATH"] = os.path.dirname(path)
        prepare(path, args.contacts, args.seed)
        conn = sqlite3.connect(path)
        contacts, touches = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("contact", "touch"))
        conn.close()
        print(f"Data: {contacts} contacts, {touches} touches. Each export in a fresh process, {args.runs} runs.")
        print()
        if args.writers:
            compare_writers(path, args.runs, tmp)
        elif args.progress:
            measure_progress(path, args.runs)
        else:
            measure(path, args.runs)


if __name__ == "__main__":
    main()
