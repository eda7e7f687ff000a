"""Big exports prepared in the background: a progress bar polled by htmx, then the file, once, to its owner."""
import io
import os
import re
import time
import zipfile

from helpers import add_contact, capture
from helpers import prepare_export as prepare
from helpers import until_export_ready as until_ready
from openpyxl import load_workbook

from journal import export_jobs
from journal.models import AuditEvent


def test_xlsx_job_shows_progress_then_the_file_once(ada, monkeypatch):
    """The bar counts people as they are written; the file downloads once, audited, then is gone."""
    monkeypatch.setattr(export_jobs, "STEP", 1)
    for i in range(3):
        cid = add_contact(ada, name=f"Person {i}", phones="", emails="")
        capture(ada, [cid], note=f"note {i}")
    response, job_id = prepare(ada, format="xlsx")
    first = response.get_data(as_text=True)
    assert "Preparing your spreadsheet" in first and "of 3 people" in first and "<progress" in first
    html = until_ready(ada, job_id)
    assert 'value="100"' in html and "hx-get" not in html  # polling stops
    link = re.search(r'href="(/export/jobs/[\w-]+/file)"', html).group(1)
    download = ada.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment; filename=rapport-")
    book = load_workbook(io.BytesIO(download.data))
    assert [r[1] for r in book["Contacts"].iter_rows(values_only=True)][1:] == ["Person 0", "Person 1", "Person 2"]
    assert ada.get(link).status_code == 404  # sent once, then removed from the server
    assert AuditEvent.select().where(AuditEvent.event == "export").count() == 1


def test_zip_job_of_a_tag(ada):
    """A filtered job holds only those people."""
    add_contact(ada, name="Vip Person", tags="VIP", phones="", emails="")
    add_contact(ada, name="Other Person", tags="reseller", phones="", emails="")
    _, job_id = prepare(ada, format="zip", tag="vip")
    html = until_ready(ada, job_id)
    data = ada.get(re.search(r'href="(/export/jobs/[\w-]+/file)"', html).group(1)).data
    contacts = zipfile.ZipFile(io.BytesIO(data)).read("contacts.csv").decode("utf-8-sig")
    assert "Vip Person" in contacts and "Other Person" not in contacts


def test_another_users_job_is_404(ada, bob):
    """Bob cannot see Ada's progress or fetch her file, even with the job id."""
    add_contact(ada, name="Ada's secret client", phones="", emails="")
    _, job_id = prepare(ada, format="xlsx")
    until_ready(ada, job_id)
    assert bob.hx(f"/export/jobs/{job_id}", "export-progress").status_code == 404
    assert bob.get(f"/export/jobs/{job_id}/file").status_code == 404
    assert ada.get(f"/export/jobs/{job_id}/file").status_code == 200


def test_bad_requests(ada, client):
    """An unknown format is refused, a made-up job is 404, and it all needs a login and a CSRF token."""
    assert ada.post("/export/prepare", data={"format": "exe"}).status_code == 400
    assert ada.get("/export/jobs/nope").status_code == 404
    assert ada.get("/export/jobs/..%2F..%2Fsecret_key").status_code == 404
    assert ada.client.post("/export/prepare", data={"format": "xlsx"}).status_code == 400  # no CSRF token
    assert client.get("/export/jobs/whatever").status_code == 302


def test_a_failed_job_says_so(ada, monkeypatch):
    """If writing fails, the page says so instead of a bar that never moves."""
    def broken(path, rows):
        raise RuntimeError("disk full")

    monkeypatch.setitem(export_jobs.FORMATS, "xlsx", ("application/x", broken))
    _, job_id = prepare(ada, format="xlsx")
    assert "could not be prepared" in until_ready(ada, job_id)


def test_without_javascript_the_page_refreshes_until_ready(ada):
    """A plain form POST answers with the whole page, which refreshes itself while the job runs."""
    response = ada.post("/export/prepare", data={"format": "xlsx"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    job_id = re.search(r'/export/jobs/([\w-]+)', html).group(1)
    until_ready(ada, job_id)
    assert 'http-equiv="refresh"' not in ada.get(f"/export/jobs/{job_id}").get_data(as_text=True)


def test_a_job_whose_worker_died_says_so(ada, monkeypatch):
    """A job left 'running' by a restarted worker stops polling and says it could not be prepared."""
    monkeypatch.setattr(export_jobs, "_run", lambda app, job_id, job: None)  # the thread dies at once
    _, job_id = prepare(ada, format="zip")
    html = ada.hx(f"/export/jobs/{job_id}", "export-progress").get_data(as_text=True)
    assert "Preparing your zip" in html and "hx-get" in html  # fresh: still waiting
    path = os.path.join(ada.client.application.config["EXPORT_JOBS_DIR"], job_id + ".json")
    old = time.time() - export_jobs.STALE_SECONDS - 5
    os.utime(path, (old, old))
    html = ada.hx(f"/export/jobs/{job_id}", "export-progress").get_data(as_text=True)
    assert "could not be prepared" in html and "hx-get" not in html
