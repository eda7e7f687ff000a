"""Page weight on a phone: bytes on the wire for the first load of Today (HTML, CSS, JS, icons), and the
static files a repeat visit still fetches from the server. Chromium as a Pixel 7, Flask-Compress on.

Usage: .venv/bin/python tests/bench/pageweight.py [--contacts N ...]
"""
import argparse
import datetime
import os
import random
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

EMAIL, PASSWORD = "bench@example.com", "bench password 2026"


def measure(contacts):
    """Build a journal of `contacts` people, serve it, and measure the first and the repeat visit of Today."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from journal import create_app, demo, migrate
    from journal.models import User
    from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, PHONE
    from tests.browser.weight import ServerLog, first_load, wait_for_offline_ready

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INSTANCE_PATH"] = tmp
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"})
        with app.app_context():
            migrate.upgrade(backup_dir=os.path.join(tmp, "backups"))
            user = User.register(EMAIL, PASSWORD)
            demo.write(user, demo.generate(random.Random(1), contacts, datetime.date.today()))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                phone = {**playwright.devices[PHONE], "base_url": base}
                setup = browser.new_context(**phone)
                login = setup.new_page()
                login.goto("/login")
                login.get_by_label("Email").fill(EMAIL)
                login.get_by_label("Password", exact=True).fill(PASSWORD)
                login.get_by_role("button", name="Log in").click()
                login.wait_for_url(base + "/")
                cookies = setup.cookies()
                setup.close()

                context = browser.new_context(**phone)
                context.add_cookies(cookies)
                page, rows = first_load(context, "/")
                wait_for_offline_ready(page)
                with ServerLog(app) as log:
                    page.goto("/")
                    page.wait_for_load_state("networkidle")
                browser.close()
        finally:
            server.shutdown()
    return rows, log.paths


def main():
    """Print a Markdown table per journal size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, nargs="+", default=[200, 10000])
    args = parser.parse_args()
    for contacts in args.contacts:
        rows, repeat = measure(contacts)
        print(f"\nToday with {contacts} demo contacts, first load in a fresh Pixel 7 context (bytes on the wire, "
              "headers included):\n")
        print("| request | type | bytes |")
        print("|---|---|---:|")
        for url, kind, size in rows:
            print(f"| {url.split('//', 1)[-1].split('/', 1)[-1].split('?')[0] or '/'} | {kind} | {size:,} |")
        total = sum(size for _, _, size in rows)
        print(f"| **total** | | **{total:,}** ({total / 1024:.1f} KB; budget 60 KB) |")
        static = [p for p in repeat if p.startswith("/static/")]
        print(f"\nRepeat visit: the server was asked for {repeat} — {len(static)} static file(s).")


if __name__ == "__main__":
    main()
