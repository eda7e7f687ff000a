"""Exports prepared in the background: the page shows a progress bar, then the file to download, once.

A consumer writes the file (journal/tasks.py); the job's state is a Job row, so any web process can answer the
progress poll, and its file waits in the jobs folder until it is downloaded or swept.
"""
import os

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from . import clock, job_files, tasks
from .exports import FORMATS, download_response, filters, selected_contacts
from .models import Job
from .web import as_id, render

bp = Blueprint("export_jobs", __name__)

DOWNLOAD_NAMES = {"xlsx": "rapport-{day}.xlsx", "zip": "rapport-{day}.zip", "csv": "rapport-contacts-{day}.csv"}


@bp.route("/export/prepare", methods=["POST"])
@login_required
def prepare():
    """Queue a big export; answer with its progress bar."""
    export_format = request.form.get("format", "")
    if export_format not in FORMATS:
        abort(400)
    tag, q = filters(request.form)
    job = Job.create(user=current_user.id, kind="export", format=export_format, tag=tag, q=q,
                     total=selected_contacts(current_user, tag, q).count(), file=job_files.new_name(export_format),
                     filename=DOWNLOAD_NAMES[export_format].format(day=clock.today().isoformat()))
    tasks.export(job.id)
    # Read back: the task may have run already (immediate mode, or a quick consumer), and the page shows it as it is.
    return _progress(_owned(job.id))


@bp.route("/export/jobs/<job_id>")
@login_required
def progress(job_id):
    """The progress bar of a job (polled by htmx until the file is ready)."""
    return _progress(_owned(job_id))


def _owned(job_id):
    """The current user's export job, or 404 (unknown, expired, or someone else's)."""
    job = Job.owned_kind(current_user, as_id(job_id) or 0, "export")
    if job is None:
        abort(404)
    return job


def _progress(job):
    """Render the progress fragment (the whole export page when asked directly)."""
    percent = 100 if job.status == "done" else int(100 * job.done / job.total) if job.total else 0
    return render("exports/progress.html", partials={"export-progress": "exports/_progress.html"},
                  section="people", job=job, percent=percent,
                  poll=url_for("export_jobs.progress", job_id=job.id),
                  file=url_for("export_jobs.download", job_id=job.id))


@bp.route("/export/jobs/<job_id>/file")
@login_required
def download(job_id):
    """The prepared file, once: the job and its file are removed as it is sent."""
    job = _owned(job_id)
    if job.status != "done" or not os.path.exists(job_files.path(job.file)):
        abort(404)
    job.forget()  # a second download asks for a fresh export
    return download_response(job_files.path(job.file), job.filename, FORMATS[job.format][0], tag=job.tag, q=job.q)
