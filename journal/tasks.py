"""Background work on Huey: exports, imports, the sweep that removes old jobs and their files, and push reminders.

The web processes queue tasks; a consumer beside gunicorn runs them (`huey_consumer app.huey`, started with
gunicorn by `make run` from the Procfile), in the context of the app that `app.py` creates. The queue is SQLite in
the instance folder, or Redis when HUEY_URL names one (several hosts then share one queue). Under test every task
runs at once, inside the request that queues it (Huey's immediate mode); periodic tasks never run there.
"""
import contextlib
import logging
import os

from flask import has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from . import clock, config, job_files, push_delivery
from .exports import FORMATS, selected_contacts, sheet_rows
from .import_rows import ImportError_, check, is_vcard, read_file, write
from .models import AuditEvent, ImportRow, Job, User, utcnow

log = logging.getLogger(__name__)

STEP = 100  # people exported between two progress reports


def make_huey(url, instance_path):
    """The queue HUEY_URL names: unset, SQLite in the instance folder; redis://, rediss:// or unix://, Redis."""
    if not url:
        os.makedirs(instance_path, exist_ok=True)
        return SqliteHuey("rapport", filename=os.path.join(instance_path, "huey.db"), results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("rapport", url=url, results=False)
    raise ValueError(f"HUEY_URL must be a redis://, rediss:// or unix:// URL, or unset (SQLite in the instance "
                     f"folder); it starts with {url.split(':', 1)[0]!r}")


huey = make_huey(os.environ.get("HUEY_URL", "").strip(), config.instance_path())
_bound = {}  # "app": the app whose context the tasks run in, outside a request


def init_app(app):
    """Run the tasks in this app's context (the consumer's app); under test, run them at once."""
    _bound["app"] = app
    if app.testing:
        huey.immediate = True


@contextlib.contextmanager
def _app_context():
    """The queuing request's context (immediate mode), or a fresh one of the bound app (the consumer)."""
    if has_app_context():
        yield
    else:
        with _bound["app"].app_context():
            yield


@huey.task()
def export(job_id):
    """Write an export's file, counting people as their rows go by."""
    with _app_context():
        write_export(job_id)


@huey.task()
def check_import(job_id):
    """Read and check an uploaded file, storing the rows its preview lists."""
    with _app_context():
        preview_import(job_id)


@huey.task()
def write_import(job_id):
    """Create the people of a confirmed import."""
    with _app_context():
        create_people(job_id)


@huey.periodic_task(crontab(minute="*/10"))
def sweep():
    """Every ten minutes: remove old jobs and their files."""
    with _app_context():
        remove_expired()


@huey.periodic_task(crontab(minute="*/5"))
def push_due():
    """Every five minutes: send the digests and visit reminders due now (as `flask push send-due` does)."""
    with _app_context():
        push_delivery.send_due(clock.utc_now())


def write_export(job_id):
    """The export task's work: the file, in the jobs folder, then the job done (or failed, said on the page)."""
    job = Job.claim(job_id)
    if job is None:
        return
    try:
        user = User.get_by_id(job.user_id)
        _, writer, sheets = FORMATS[job.format]
        rows = sheet_rows(user, selected_contacts(user, job.tag, job.q), clock.today(user), sheets=sheets)
        writer(job_files.path(job.file), _counted(job, rows))
        job.finish()
    except Exception:  # the user must learn that it failed, not watch a bar that never moves
        log.exception("export job %s failed", job_id)
        job.fail()


def _counted(job, rows):
    """The rows, with the job's progress recorded every STEP people."""
    done = 0
    for sheet, row in rows:
        if sheet == "Contacts":
            done += 1
            if done % STEP == 0:
                job.advance(done)
        yield sheet, row
    job.advance(done)  # every person read: the page says the file is being written (its last seconds)


def preview_import(job_id):
    """The check task's work: every row of the file with its problems and likely duplicates, for the preview."""
    job = Job.claim(job_id)
    if job is None:
        return
    try:
        rows = read_file(job_files.path(job.file), job.filename)
        job.advance(0, total=len(rows))
        user = User.get_by_id(job.user_id)
        stored = 0

        def checked(done):
            """Store the rows checked since the last call, and say how far the check is."""
            nonlocal stored
            ImportRow.add(job, rows[stored:done])
            stored = done
            job.advance(done)

        check(rows, user, progress=checked)
        checked(len(rows))
        job.finish()
    except ImportError_ as problem:
        job.fail(str(problem))
    except Exception:
        log.exception("import check %s failed", job_id)
        job.fail("The file could not be read. Nothing was imported; please try again.")


def create_people(job_id):
    """The write task's work: the file checked again (someone may have been added since), then its people."""
    job = Job.claim(job_id)
    if job is None:
        return
    try:
        user = User.get_by_id(job.user_id)
        rows = check(read_file(job_files.path(job.file), job.filename), user)
        job.advance(0, total=len(rows))
        written = write(rows, user, job.skip_duplicates, progress=job.advance)
        job.finish(written=written)
        AuditEvent.record("import", user=user, detail=f"{'vcard' if is_vcard(job.filename) else 'csv'}, {written} contacts",
                          ip=job.ip)
        job_files.remove(job.file)
    except Exception:
        log.exception("import write %s failed", job_id)
        job.fail()


def remove_expired():
    """Remove jobs unchanged for Job.KEEP with their files, and files no job names (left by a crash)."""
    expired = Job.expired(utcnow() - Job.KEEP)
    for _, name in expired:
        job_files.remove(name)
    Job.delete_ids([job_id for job_id, _ in expired])
    job_files.remove_strays(Job.files(), Job.KEEP.total_seconds())
