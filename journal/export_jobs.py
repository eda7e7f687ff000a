"""Big exports prepared in the background: the page shows a progress bar, then the file to download.

A job is a JSON file beside its output in EXPORT_JOBS_DIR (`instance/exports/`), so any worker process that
shares the folder can answer the progress poll; the thread that writes the file updates it every few people.
"""
import datetime
import json
import logging
import os
import secrets
import threading
import time

from flask import Blueprint, abort, current_app, request, url_for
from flask_login import current_user, login_required

from .db import db
from .exports import download_response, filters, selected_contacts, sheet_rows, stamp, write_xlsx, write_zip
from .models import User
from .web import render

bp = Blueprint("export_jobs", __name__)
log = logging.getLogger(__name__)

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx),
    "zip": ("application/zip", write_zip),
}
KEEP_SECONDS = 3600  # a prepared file not fetched within the hour is removed
STEP = 100  # people between two progress updates
# A running job whose state has not changed for this long lost its thread (the worker restarted or was
# killed): the page says so and offers to try again. A 10k-person export updates it every 0.1 s or so.
STALE_SECONDS = 120


def _folder():
    """Where jobs and their files live."""
    folder = current_app.config["EXPORT_JOBS_DIR"]
    os.makedirs(folder, exist_ok=True)
    return folder


def _path(job_id, suffix=".json"):
    """The job's file (or its output, with another suffix); ids are checked to be plain tokens first."""
    if not job_id.replace("-", "").replace("_", "").isalnum() or len(job_id) > 40:
        abort(404)
    return os.path.join(_folder(), job_id + suffix)


def _save(job_id, job):
    """Write the job's state atomically (a poll never reads half a file)."""
    temporary = _path(job_id, ".json.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(job, handle)
    os.replace(temporary, _path(job_id))


def _load_owned(job_id):
    """The current user's job, or 404 (unknown, expired, or someone else's)."""
    try:
        with open(_path(job_id), encoding="utf-8") as handle:
            job = json.load(handle)
    except (OSError, ValueError):
        abort(404)
    if job.get("user") != current_user.id:
        abort(404)
    if job["status"] == "running" and os.path.getmtime(_path(job_id)) < time.time() - STALE_SECONDS:
        job["status"] = "failed"
        _save(job_id, job)
    return job


def _sweep():
    """Remove jobs and files older than KEEP_SECONDS."""
    cutoff = time.time() - KEEP_SECONDS
    for name in os.listdir(_folder()):
        path = os.path.join(_folder(), name)
        try:
            if os.path.getmtime(path) < cutoff:
                os.remove(path)
        except OSError:
            pass


def _run(app, job_id, job):
    """In a thread: write the file, counting people as their rows go by."""
    with app.app_context():
        try:
            db.connect(reuse_if_open=True)
            user = User.get_by_id(job["user"])
            rows = sheet_rows(user, selected_contacts(user, job["tag"], job["q"]), datetime.date.fromisoformat(job["today"]))

            def counted():
                """The rows, with the job's progress updated every STEP people."""
                for sheet, row in rows:
                    if sheet == "Contacts":
                        job["done"] += 1
                        if job["done"] % STEP == 0:
                            _save(job_id, job)
                    yield sheet, row

            FORMATS[job["format"]][1](_path(job_id, "." + job["format"]), counted())
            job["status"] = "ready"
        except Exception:  # the user must learn that it failed, not watch a bar that never moves
            log.exception("export job %s failed", job_id)
            job["status"] = "failed"
        finally:
            _save(job_id, job)
            if not db.is_closed():
                db.close()


@bp.route("/export/prepare", methods=["POST"])
@login_required
def prepare():
    """Start preparing a big export in the background; answer with its progress bar."""
    export_format = request.form.get("format", "")
    if export_format not in FORMATS:
        abort(400)
    _sweep()
    tag, q = filters(request.form)
    job_id = secrets.token_urlsafe(16)
    job = {"user": current_user.id, "format": export_format, "tag": tag, "q": q, "done": 0, "status": "running",
           "total": selected_contacts(current_user, tag, q).count(), "today": datetime.date.today().isoformat()}
    _save(job_id, job)
    app = current_app._get_current_object()
    threading.Thread(target=_run, args=(app, job_id, job), name=f"export-{job_id}", daemon=True).start()
    return _progress(job_id, job)


@bp.route("/export/jobs/<job_id>")
@login_required
def progress(job_id):
    """The progress bar of a job (polled by htmx until the file is ready)."""
    return _progress(job_id, _load_owned(job_id))


def _progress(job_id, job):
    """Render the progress fragment (the whole export page when asked directly)."""
    percent = 100 if job["status"] == "ready" else int(100 * job["done"] / job["total"]) if job["total"] else 0
    return render("exports/progress.html", partials={"export-progress": "exports/_progress.html"},
                  section="people", job=job, job_id=job_id, percent=percent,
                  poll=url_for("export_jobs.progress", job_id=job_id),
                  file=url_for("export_jobs.download", job_id=job_id))


@bp.route("/export/jobs/<job_id>/file")
@login_required
def download(job_id):
    """The prepared file, once; it is removed after it has been sent."""
    job = _load_owned(job_id)
    if job["status"] != "ready":
        abort(404)
    path = _path(job_id, "." + job["format"])
    if not os.path.exists(path):
        abort(404)
    os.remove(_path(job_id))  # the job is over: a second download asks for a fresh export

    response = download_response(path, f"rapport-{stamp()}.{job['format']}", FORMATS[job["format"]][0],
                         tag=job["tag"], q=job["q"])
    response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
    return response
