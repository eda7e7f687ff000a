"""The files of background jobs (an export waiting for its download, an import's upload waiting for the confirm).

They live in JOBS_DIR (`instance/jobs/`), a folder every web process and consumer reads, under random names that
only a Job row (journal/models.py) knows: nothing a user sends becomes part of a path.
"""
import os
import secrets
import time

from flask import current_app


def folder():
    """The jobs folder, created when missing."""
    path = current_app.config["JOBS_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def new_name(suffix):
    """A fresh random file name with this suffix ("xlsx")."""
    return f"{secrets.token_urlsafe(24)}.{suffix}"


def path(name):
    """Where the job file `name` lives."""
    return os.path.join(folder(), os.path.basename(name))


def remove(name):
    """Remove a job's file if it is still there."""
    if name:
        try:
            os.remove(path(name))
        except FileNotFoundError:
            pass


def remove_strays(keep, older_than):
    """Remove files no job names (a crash left them) whose last change is older than `older_than` seconds ago."""
    cutoff = time.time() - older_than
    for entry in os.scandir(folder()):
        if entry.name not in keep and entry.is_file() and entry.stat().st_mtime < cutoff:
            remove(entry.name)
