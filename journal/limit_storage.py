"""The login throttle's storage in the app's own database: a `limits` storage backend, RATELIMIT_STORAGE_URI=database://.

Flask-Limiter's memory:// counts in each gunicorn worker apart (4 workers let 4 times the documented attempts
through), and Redis is one more service to run. The database is already shared by every worker and every host.
"""
from limits.storage import Storage
from peewee import PeeweeException

from .models import RateLimit


class DatabaseStorage(Storage):
    """Fixed-window counts in the `rate_limit` table (the `limits` library's public storage interface)."""

    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self):
        """What a failing database raises (Flask-Limiter then counts in memory until it answers again)."""
        return PeeweeException

    def incr(self, key, expiry, amount=1):
        """Add `amount` hits to the key's window, opening one of `expiry` seconds; return the count."""
        return RateLimit.add(key, amount, expiry)

    def get(self, key):
        """The key's count in its current window (0 when none)."""
        return RateLimit.window(key)[0]

    def get_expiry(self, key):
        """When the key's current window ends (seconds since the epoch)."""
        return RateLimit.window(key)[1]

    def check(self):
        """True when the database answers."""
        try:
            RateLimit.select().limit(1).execute()
        except PeeweeException:
            return False
        return True

    def reset(self):
        """End every window; return how many there were."""
        return RateLimit.forget()

    def clear(self, key):
        """End the key's window."""
        RateLimit.forget(key)
