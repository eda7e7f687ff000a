"""Import people from the export's own CSV or from vCard files: upload, a preview of every row, then confirm.

The file is uploaded once and waits in the jobs folder; a background task reads and checks it (the preview), and
another writes the people once the user confirms (journal/tasks.py). The pages poll the job's progress.
"""
from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from . import job_files, tasks
from .import_rows import is_vcard
from .models import ImportRow, Job
from .web import as_id, render

bp = Blueprint("imports", __name__)

PAGE = 100  # preview rows per page ("Show more")


@bp.route("/import", methods=["GET", "POST"])
@login_required
def upload():
    """Upload a CSV or vCard file; it is read and checked in the background, then previewed."""
    if request.method == "GET":
        return _page(None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(None, error="Choose a .csv or .vcf file.", status=422)
    name, file = upload.filename[:200], job_files.new_name("upload")
    upload.save(job_files.path(file))
    job = Job.create(user=current_user.id, kind="import", step="check", format="vcard" if is_vcard(name) else "csv",
                     file=file, filename=name, ip=(request.remote_addr or "")[:64])
    tasks.check_import(job.id)
    return _page(_owned(job.id))


@bp.route("/import/jobs/<job_id>")
@login_required
def job(job_id):
    """An import as it stands: reading, its preview (a page of rows at a time), writing, or done."""
    return _page(_owned(job_id))


@bp.route("/import/jobs/<job_id>/confirm", methods=["POST"])
@login_required
def confirm(job_id):
    """Write the previewed people in the background (only the job's id travels: the file is on the server)."""
    job = _owned(job_id)
    if job.confirm_import(request.form.get("skip_duplicates") == "1", request.remote_addr or ""):
        tasks.write_import(job.id)
    return _page(_owned(job.id))


def _owned(job_id):
    """The current user's import job, or 404 (unknown, expired, or someone else's)."""
    job = Job.owned_kind(current_user, as_id(job_id) or 0, "import")
    if job is None:
        abort(404)
    return job


def _page(job, error=None, status=200):
    """The import page for this job's state (the fragment a poll or "Show more" asks for)."""
    context = {"job": job, "error": error, "waiting": job is not None and job.status in ("queued", "running")}
    if job is not None:
        context["poll"] = url_for("imports.job", job_id=job.id)
        if job.status == "failed" and job.step == "check":
            context["error"], status = job.message or "The file could not be read.", 422
        if job.step == "check" and job.status == "done":
            page = max(as_id(request.args.get("page")) or 1, 1)
            context["rows"], context["has_more"] = ImportRow.page(job, page, PAGE)
            context["total"], context["valid"], context["duplicates"] = ImportRow.counts(job)
            context["page"] = page
    return render("exports/import.html", partials={"import-job": "exports/_import_job.html",
                                                   "more-rows": "exports/_import_rows.html"},
                  section="people", status=status, **context)
