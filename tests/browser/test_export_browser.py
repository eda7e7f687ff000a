"""Exporting on a phone: the file is prepared in the background with a progress bar, then downloads by itself.

The live server runs tasks at once (Huey's immediate mode); the second test plays the consumer itself, so the page
has to follow a job that is still waiting. tests/integration/test_make_run.py runs the real consumer.
"""
import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from journal import job_files, tasks
from journal.models import Job, User, utcnow
from .helpers import assert_clean, seed_demo, shot


@pytest.fixture(autouse=True)
def jobs_dir(app, tmp_path):
    """This test's own jobs folder."""
    app.config["JOBS_DIR"] = str(tmp_path / "jobs")


def test_spreadsheet_and_csv_download_by_themselves(watch, signed_in_page, live_server, app, new_email):
    """Tap "Spreadsheet": the .xlsx arrives with every person in it; "Contacts only" brings the CSV the same way."""
    page = signed_in_page
    seed_demo(app, new_email, contacts=300)
    page.goto("/export")
    expect(page.get_by_text("300 people")).to_be_visible()
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Spreadsheet (.xlsx)").tap()
    expect(page.get_by_text("Your file is ready.")).to_be_visible()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book["Contacts"].max_row == 301
    with page.expect_download(timeout=60000) as download:
        page.get_by_role("button", name="Contacts only (.csv)").tap()
    assert download.value.suggested_filename.startswith("rapport-contacts-")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.reader(handle))) == 301  # records, not lines: family and dates cells hold one a line
    assert_clean(watch)


def test_the_page_follows_a_waiting_job_until_its_file_downloads(watch, signed_in_page, live_server, app, new_email):
    """A job still queued shows its bar; as the consumer records progress the bar moves, and once the file is written
    the page offers it and fetches it by itself."""
    page = signed_in_page
    seed_demo(app, new_email, contacts=30)
    with app.app_context():
        job_id = Job.create(user=User.by_email(new_email).id, kind="export", format="xlsx", total=30,
                            file=job_files.new_name("xlsx"), filename="rapport-today.xlsx").id
    page.goto(f"/export/jobs/{job_id}")
    progress = page.locator("#export-progress")
    expect(progress).to_contain_text("Preparing your spreadsheet… 0 of 30 people")
    with app.app_context():
        Job.update(done=12, updated_at=utcnow()).where(Job.id == job_id).execute()
    expect(progress).to_contain_text("12 of 30 people")
    expect(progress.locator("progress")).to_have_attribute("value", "40")
    shot(page, "export-progress.png")
    with page.expect_download(timeout=60000) as download:
        with app.app_context():
            tasks.write_export(job_id)  # what the consumer does
        expect(progress).to_contain_text("Your file is ready.")
    assert download.value.suggested_filename == "rapport-today.xlsx"
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book["Contacts"].max_row == 31
    assert_clean(watch)
