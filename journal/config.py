"""Configuration read from the environment, with safe defaults kept in the instance folder."""
import datetime
import os
import secrets


def _kept(path, make):
    """The text kept in the file at `path`, made by make() and written there the first time."""
    try:
        with open(path, encoding="ascii") as fh:
            text = fh.read().strip()
    except FileNotFoundError:
        text = ""
    if text:
        return text
    text = make()
    # O_EXCL: two workers starting together must not write two different values.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
    return text


def _secret_key(instance_path):
    """Return SECRET_KEY from the environment, or one generated once and kept in the instance folder."""
    return os.environ.get("SECRET_KEY") or _kept(os.path.join(instance_path, "secret_key"), lambda: secrets.token_hex(32))


def vapid_private_key(app):
    """The VAPID private key (PEM, or base64url of the raw key) that signs every push: VAPID_PRIVATE_KEY from the
    configuration or the environment, or one generated once and kept in the instance folder.

    Asked for when a push is sent or a phone subscribes, not at start-up: an app that never pushes makes no key.
    A new key makes every phone subscribe again (push services refuse another key's messages), so keep it.
    """
    if app.config.get("VAPID_PRIVATE_KEY"):
        return app.config["VAPID_PRIVATE_KEY"]

    def make():
        from py_vapid import Vapid

        key = Vapid()
        key.generate_keys()
        return key.private_pem().decode("ascii")

    return _kept(os.path.join(app.instance_path, "vapid_private.pem"), make)


def instance_path():
    """The instance folder (SQLite file, secret key, background jobs' files and queue): INSTANCE_PATH or ./instance."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.environ.get("INSTANCE_PATH") or os.path.join(root, "instance")


def _flag(name, default=False):
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path, overrides):
    """Build the configuration from environment variables; `overrides` (a test config) wins."""
    settings = {
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance_path),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "sqlite:///" + os.path.join(instance_path, "rapport.sqlite3")
        ),
        # 32 MiB: an import's file is uploaded once and waits on the server for the confirm (a 20 MB file imports).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 32 * 1024 * 1024)),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # As long as an unused server-side session lives (UserSession.IDLE_DAYS).
        "REMEMBER_COOKIE_DURATION": datetime.timedelta(days=30),
        # The CSRF token lives as long as the session: a form left open for hours still saves.
        "WTF_CSRF_TIME_LIMIT": None,
        "PEOPLE_PAGE_SIZE": int(os.environ.get("PEOPLE_PAGE_SIZE", 50)),
        # Brotli quality 1 compresses a 30-60 KB page in 0.06 ms instead of 0.3 ms at flask-compress's
        # default of 4, for about 15% more bytes (Today: 5.0 KB instead of 4.2 KB); docs/benchmarks.md, "Load".
        "COMPRESS_BR_LEVEL": 1,
        # The app's database (journal/limit_storage.py): every gunicorn worker and every host counts the same attempts.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "database://"),
        # Fixed windows: a successful login gives its attempt back as a hit of cost -1 (journal/auth.py).
        "RATELIMIT_STRATEGY": "fixed-window",
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Storage down (Redis, the database): count in each process's memory until it is back, rather than fail
        # every login with a 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # How many reverse proxies (nginx: 1) stand in front of the app and set X-Forwarded-For/-Proto.
        # 0 ignores those headers, which any client could otherwise forge.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        # Background jobs' files (exports waiting for their download, imports waiting for the confirm): a folder
        # every web process and consumer can read (journal/job_files.py).
        "JOBS_DIR": os.environ.get("JOBS_DIR", os.path.join(instance_path, "jobs")),
        # Web Push (journal/push_delivery.py): the VAPID key (unset: generated once into the instance folder), the
        # contact push services may write to about this server (a mailto: or https: URL), and URL prefixes of push
        # services allowed besides the well-known ones (comma-separated; for tests and private push services).
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY", "").strip() or None,
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:rapport@localhost"),
        "PUSH_ENDPOINT_ALLOW": os.environ.get("PUSH_ENDPOINT_ALLOW", ""),
    }
    settings.update(overrides)
    return settings
