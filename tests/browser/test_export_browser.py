"""Exporting on a phone: the spreadsheet is prepared with a progress bar, then downloads by itself."""
import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from .helpers import assert_clean, seed_demo, shot


def test_spreadsheet_export_shows_progress_then_downloads(watch, signed_in_page, live_server, app, new_email):
    """Tap "Spreadsheet": a progress bar counts the people, then the .xlsx arrives with every person in it."""
    page = signed_in_page
    seed_demo(app, new_email, contacts=300)
    page.goto("/export")
    expect(page.get_by_text("300 people")).to_be_visible()
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Spreadsheet (.xlsx)").tap()
        expect(page.locator("#export-progress progress")).to_be_visible()
        expect(page.locator("#export-progress")).to_contain_text("of 300 people")
        shot(page, "export-progress.png")
    expect(page.get_by_text("Your file is ready.")).to_be_visible()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book["Contacts"].max_row == 301
    assert_clean(watch)
