"""Background jobs (issue 15, item 6): an export or an import run by the Huey consumer (journal/tasks.py), its state a
row every web process can read, and an import's preview rows beside it."""
import datetime

from peewee import BooleanField, Case, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .base import BaseModel, utcnow
from .owned import OwnedModel


class Job(OwnedModel):
    """Work done in the background for one user (journal/tasks.py): an export being written, or an import being
    read and checked, then written. Its file waits in the jobs folder (journal/job_files.py) under a random name."""

    KEEP = datetime.timedelta(hours=1)  # a job and its file are removed this long after their last change
    # A job whose row stopped changing for this long lost its consumer (stopped or killed): it has failed. A running
    # job changes every few hundred people; a queued one may wait behind another user's big import.
    STALE = {"running": datetime.timedelta(minutes=2), "queued": datetime.timedelta(minutes=10)}
    kind = CharField(max_length=10)  # export, import
    step = CharField(max_length=10, default="")  # import: check, then write
    format = CharField(max_length=10)  # export: xlsx, zip, csv; import: csv, vcard
    status = CharField(max_length=10, default="queued")  # queued, running, done, failed
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    file = CharField(max_length=64, default="")  # its name in the jobs folder, never the user's
    filename = CharField(max_length=200, default="")  # the name the user sees: the download's, or the upload's
    tag = CharField(max_length=200, default="")  # an export's filters
    q = CharField(max_length=200, default="")
    skip_duplicates = BooleanField(default=True)  # an import's choice at the confirm
    written = IntegerField(default=0)  # people an import created
    message = CharField(max_length=500, default="")  # why it failed, said to the user
    ip = CharField(max_length=64, default="")  # the address that asked, for the audit log
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "job"
        indexes = ((("updated_at",), False),)

    @classmethod
    def owned_kind(cls, user, pk, kind):
        """The user's job of this kind with this id, or None; a job whose consumer died is marked failed first."""
        job = cls.owned(user, pk)
        if job is None or job.kind != kind:
            return None
        limit = cls.STALE.get(job.status)
        if limit and job.updated_at < utcnow() - limit:
            job._settle(job.status, status="failed", message="The work stopped before the end (the server restarted). "
                                                             "Nothing was imported; please send the file again.")
        return job

    @classmethod
    def claim(cls, pk):
        """The queued job with this id, now running; None when it is gone or another consumer took it already."""
        claimed = cls.update(status="running", done=0, updated_at=utcnow()).where((cls.id == pk) & (cls.status == "queued"))
        if claimed.execute():
            return cls.get_by_id(pk)
        return None

    def _settle(self, expected, **fields):
        """Change the job only while its status is still `expected` (a stale job marked failed stays failed)."""
        fields["updated_at"] = utcnow()
        changed = Job.update(**fields).where((Job.id == self.id) & (Job.status == expected)).execute()
        if changed:
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(changed)

    def advance(self, done, total=None):
        """Record progress: `done` of `total` (unchanged when None)."""
        self._settle("running", done=done, **({} if total is None else {"total": total}))

    def finish(self, **fields):
        """The work is done."""
        return self._settle("running", status="done", **fields)

    def fail(self, message=""):
        """The work failed; `message` says why in the user's words (empty: the page's general text)."""
        return self._settle("running", status="failed", message=message[:500])

    def confirm_import(self, skip_duplicates, ip):
        """Queue the write of a checked import; False when it was confirmed already (a second tap writes nothing)."""
        return Job.update(step="write", status="queued", done=0, skip_duplicates=skip_duplicates, ip=ip[:64],
                          updated_at=utcnow()).where(
            (Job.id == self.id) & (Job.step == "check") & (Job.status == "done")).execute() == 1

    def forget(self):
        """Delete the job (its download was sent)."""
        Job.delete().where(Job.id == self.id).execute()

    @classmethod
    def expired(cls, cutoff):
        """(id, file) of every user's jobs unchanged since `cutoff` (the sweep's: it runs for no user)."""
        return list(cls.select(cls.id, cls.file).where(cls.updated_at < cutoff).tuples())

    @classmethod
    def delete_ids(cls, ids):
        """Delete these jobs (with an import's preview rows)."""
        for start in range(0, len(ids), 500):
            cls.delete().where(cls.id.in_(ids[start:start + 500])).execute()

    @classmethod
    def files(cls):
        """The names of every file a job still needs (the sweep keeps them)."""
        return {name for name, in cls.select(cls.file).where(cls.file != "").tuples()}


class ImportRow(BaseModel):
    """One person found in an import's file, as its preview lists them; reached only through the user's Job."""

    job = ForeignKeyField(Job, on_delete="CASCADE", index=False)
    number = IntegerField()  # the row (CSV) or card (vCard) in the file
    name = TextField(default="")
    company = TextField(default="")
    reach = TextField(default="")  # phones and emails, as shown
    problems = TextField(default="")  # one per line; a row with problems is left out
    duplicate_of = TextField(default="")  # whom it looks like
    notes = TextField(default="")  # one per line: what was kept or skipped, and why (the row is imported all the same)
    alt_name = TextField(default="")  # the name in another script or language (vCard 4 ALTID)

    class Meta:
        table_name = "import_row"
        indexes = ((("job", "number"), False),)

    @classmethod
    def add(cls, job, rows):
        """Store checked rows (journal/import_rows.py Row) for the preview."""
        cls.insert_many([{"job": job.id, "number": r.number, "name": r.fields["name"], "company": r.fields["company"],
                          "reach": ", ".join(value for _, value in r.phones + r.emails),
                          "problems": "\n".join(r.errors), "duplicate_of": r.duplicate_of, "notes": "\n".join(r.notes),
                          "alt_name": r.fields.get("alt_name", "")} for r in rows]).execute()

    @classmethod
    def page(cls, job, page, size):
        """One page of a job's rows in file order, and whether more follow."""
        rows = list(cls.select().where(cls.job == job.id).order_by(cls.number, cls.id)
                    .offset((page - 1) * size).limit(size + 1))
        return rows[:size], len(rows) > size

    @classmethod
    def counts(cls, job):
        """(rows, ready to import, likely duplicates) of a checked import."""
        total, valid, duplicates = cls.select(
            fn.COUNT(cls.id), fn.SUM(Case(None, [(cls.problems == "", 1)], 0)),
            fn.SUM(Case(None, [(cls.duplicate_of != "", 1)], 0))).where(cls.job == job.id).tuples().get()
        return total, valid or 0, duplicates or 0
