"""Exports prepared in the background (a Huey task; immediate mode here): a progress bar polled by htmx, then the
file, once, to its owner. The job is a row of the job table; a consumer that died leaves a job that says so."""
import datetime
import io
import os
import re
import tempfile
import time
import zipfile

import pytest
from openpyxl import load_workbook
from helpers import add_contact, capture
from helpers import prepare_export as prepare
from helpers import until_export_ready as until_ready

from journal import exports, tasks
from journal.models import AuditEvent, Job, utcnow


@pytest.fixture(autouse=True)
def jobs_dir(app, tmp_path):
    """This test's own jobs folder."""
    app.config["JOBS_DIR"] = str(tmp_path / "jobs")
    return tmp_path / "jobs"


def file_link(html):
    """The download link of a ready job."""
    return re.search(r'href="(/export/jobs/\d+/file)"', html).group(1)


def job_row(app, user, **fields):
    """A job row as a consumer would have left it (queued, running...)."""
    with app.app_context():
        return Job.create(user=user.id, kind="export", format="xlsx", file="x.xlsx", filename="rapport-x.xlsx",
                          **fields).id


def test_xlsx_job_is_written_then_downloads_once(app, ada, jobs_dir):
    """The task writes the workbook; the file downloads once, audited, then it and its job are gone."""
    for i in range(3):
        cid = add_contact(ada, name=f"Person {i}", phones="", emails="")
        capture(ada, [cid], note=f"note {i}")
    response, job_id = prepare(ada, format="xlsx")
    html = until_ready(ada, job_id)
    assert "Your file is ready" in html and "3 people" in html and 'value="100"' in html
    assert "hx-get" not in html  # polling stops
    download = ada.get(file_link(html))
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == f"attachment; filename=rapport-{datetime.date.today()}.xlsx"
    book = load_workbook(io.BytesIO(download.data))
    assert [r[1] for r in book["Contacts"].iter_rows(values_only=True)][1:] == ["Person 0", "Person 1", "Person 2"]
    download.close()  # as a WSGI server does once the file is sent
    assert ada.get(file_link(html)).status_code == 404  # sent once
    assert ada.hx(f"/export/jobs/{job_id}", "export-progress").status_code == 404
    assert os.listdir(jobs_dir) == []  # removed from the server
    with app.app_context():
        assert AuditEvent.select().where(AuditEvent.event == "export").count() == 1
        assert Job.select().count() == 0


def test_the_bar_counts_people_while_the_file_is_written(app, ada, monkeypatch):
    """A consumer records how many people are written (the bar moves), and the page shows it while it runs."""
    for i in range(3):
        add_contact(ada, name=f"Person {i}", phones="", emails="")
    seen = []
    mimetype, writer, sheets = exports.FORMATS["zip"]

    def watched(path, rows):
        """The real writer, noting the job's recorded progress as each row goes by."""
        def rows_seen():
            for row in rows:
                seen.append(Job.get_by_id(job_id).done)
                yield row
        writer(path, rows_seen())

    monkeypatch.setattr(tasks, "STEP", 1)
    monkeypatch.setitem(exports.FORMATS, "zip", (mimetype, watched, sheets))
    with app.app_context():
        job_id = Job.create(user=ada.user.id, kind="export", format="zip", total=3, file="j.zip", filename="r.zip").id
        tasks.write_export(job_id)
        assert Job.get_by_id(job_id).status == "done"
    assert sorted(set(seen)) == [1, 2, 3]  # each person counted as their rows go by
    running = job_row(app, ada.user, status="running", done=1, total=3)
    html = ada.hx(f"/export/jobs/{running}", "export-progress").get_data(as_text=True)
    assert "Preparing your spreadsheet" in html and "1 of 3 people" in html and 'value="33"' in html
    assert f'hx-get="/export/jobs/{running}"' in html  # still polling
    # Every person read, the file not written yet: the page says what the last seconds are for, and still polls.
    writing = job_row(app, ada.user, status="running", done=3, total=3)
    html = ada.hx(f"/export/jobs/{writing}", "export-progress").get_data(as_text=True)
    assert "All 3 read; writing the file…" in html and f'hx-get="/export/jobs/{writing}"' in html


def test_zip_job_of_a_tag_and_the_contacts_csv(ada):
    """A filtered job holds only those people; the contacts CSV is prepared the same way."""
    add_contact(ada, name="Vip Person", tags="VIP", phones="", emails="")
    add_contact(ada, name="Other Person", tags="reseller", phones="", emails="")
    _, job_id = prepare(ada, format="zip", tag="vip")
    data = ada.get(file_link(until_ready(ada, job_id))).data
    contacts = zipfile.ZipFile(io.BytesIO(data)).read("contacts.csv").decode("utf-8-sig")
    assert "Vip Person" in contacts and "Other Person" not in contacts
    _, job_id = prepare(ada, format="csv")
    download = ada.get(file_link(until_ready(ada, job_id)))
    assert download.headers["Content-Disposition"] == f"attachment; filename=rapport-contacts-{datetime.date.today()}.csv"
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.data.startswith("\ufeffid,name,alternative name,company".encode())
    assert "Vip Person" in download.get_data(as_text=True) and "Other Person" in download.get_data(as_text=True)


def test_another_users_job_is_404(ada, bob):
    """Bob cannot see Ada's progress or fetch her file, even with the job id."""
    add_contact(ada, name="Ada's secret client", phones="", emails="")
    _, job_id = prepare(ada, format="xlsx")
    until_ready(ada, job_id)
    assert bob.hx(f"/export/jobs/{job_id}", "export-progress").status_code == 404
    assert bob.get(f"/export/jobs/{job_id}").status_code == 404
    assert bob.get(f"/export/jobs/{job_id}/file").status_code == 404
    assert ada.get(f"/export/jobs/{job_id}/file").status_code == 200


def test_an_import_job_is_not_an_export(app, ada):
    """The export pages answer 404 for the user's own import jobs (a job is reached through its own kind)."""
    with app.app_context():
        job_id = Job.create(user=ada.user.id, kind="import", step="check", format="csv", status="done").id
    assert ada.get(f"/export/jobs/{job_id}").status_code == 404
    assert ada.get(f"/export/jobs/{job_id}/file").status_code == 404


def test_bad_requests(ada, client):
    """An unknown format is refused, a made-up job is 404, and it all needs a login and a CSRF token."""
    assert ada.post("/export/prepare", data={"format": "exe"}).status_code == 400
    assert ada.get("/export/jobs/nope").status_code == 404
    assert ada.get("/export/jobs/999999").status_code == 404
    assert ada.get("/export/jobs/..%2F..%2Fsecret_key").status_code == 404
    assert ada.client.post("/export/prepare", data={"format": "xlsx"}).status_code == 400  # no CSRF token
    assert client.get("/export/jobs/1").status_code == 302


def test_a_failed_job_says_so(app, ada, tmp_path):
    """If the file cannot be written (here: the jobs folder cannot be made), the page says so, and stops polling."""
    (tmp_path / "not-a-folder").write_text("")
    app.config["JOBS_DIR"] = str(tmp_path / "not-a-folder" / "jobs")
    response, _ = prepare(ada, format="xlsx")
    html = response.get_data(as_text=True)  # the task ran at once (immediate mode): the first answer says it
    assert "could not be prepared" in html and "hx-get" not in html
    with app.app_context():
        job_id = Job.get().id
    assert "could not be prepared" in until_ready(ada, job_id)
    assert ada.get(f"/export/jobs/{job_id}/file").status_code == 404


def test_without_javascript_the_page_refreshes_until_ready(app, ada):
    """A plain form POST answers with the whole page; while the job waits, it reloads itself from the job's URL."""
    response = ada.post("/export/prepare", data={"format": "xlsx"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html and "Your file is ready" in html
    assert 'http-equiv="refresh"' not in html
    waiting = job_row(app, ada.user, status="queued", total=5)
    html = ada.get(f"/export/jobs/{waiting}").get_data(as_text=True)
    assert f'<noscript><meta http-equiv="refresh" content="2; url=/export/jobs/{waiting}"></noscript>' in html


@pytest.mark.parametrize("status, quiet", [("running", Job.STALE["running"]), ("queued", Job.STALE["queued"])])
def test_a_job_whose_consumer_died_says_so(app, ada, status, quiet):
    """A job whose row stopped changing (no consumer runs it any more) stops polling and says it failed."""
    job_id = job_row(app, ada.user, status=status, total=3)
    html = ada.hx(f"/export/jobs/{job_id}", "export-progress").get_data(as_text=True)
    assert "Preparing your spreadsheet" in html and "hx-get" in html  # fresh: still waiting
    with app.app_context():
        Job.update(updated_at=utcnow() - quiet - datetime.timedelta(seconds=5)).where(Job.id == job_id).execute()
    html = ada.hx(f"/export/jobs/{job_id}", "export-progress").get_data(as_text=True)
    assert "could not be prepared" in html and "hx-get" not in html
    with app.app_context():
        assert Job.get_by_id(job_id).status == "failed"
        tasks.write_export(job_id)  # the task arriving late writes nothing: the job stays failed
        assert Job.get_by_id(job_id).status == "failed"


def test_old_jobs_and_files_are_swept(app, ada, jobs_dir):
    """The periodic sweep (its function, called directly) removes jobs and files older than an hour, and stray files."""
    add_contact(ada, name="Someone", phones="", emails="")
    _, fresh = prepare(ada, format="xlsx")
    _, old = prepare(ada, format="zip")
    jobs_dir.joinpath("stray.xlsx").write_text("left by a crash")
    jobs_dir.joinpath("new-stray.xlsx").write_text("being written")
    an_hour_ago = time.time() - 3700
    os.utime(jobs_dir / "stray.xlsx", (an_hour_ago, an_hour_ago))
    with app.app_context():
        Job.update(updated_at=utcnow() - Job.KEEP - datetime.timedelta(minutes=1)).where(Job.id == old).execute()
        old_file = Job.get_by_id(old).file
        fresh_file = Job.get_by_id(fresh).file
        tasks.remove_expired()
        assert [j.id for j in Job.select()] == [int(fresh)]
    assert sorted(os.listdir(jobs_dir)) == sorted([fresh_file, "new-stray.xlsx"])
    assert old_file not in os.listdir(jobs_dir)
    assert ada.get(f"/export/jobs/{old}/file").status_code == 404
    assert ada.get(f"/export/jobs/{fresh}/file").status_code == 200


def test_direct_downloads_leave_no_file_behind(ada, monkeypatch, tmp_path):
    """/export.xlsx and /export.zip (written in the request) leave nothing in the temporary folder once sent."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    os.makedirs(tmp_path / "tmp")
    add_contact(ada, name="Someone", phones="", emails="")
    for url in ("/export.xlsx", "/export.zip"):
        response = ada.get(url)
        assert response.status_code == 200 and len(response.data) > 100
        response.close()
    assert os.listdir(tmp_path / "tmp") == []
