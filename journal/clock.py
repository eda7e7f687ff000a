"""The user's clock: "now" and "today" where the user lives (their time zone), as wall-clock values."""
import datetime
import functools
import os
import zoneinfo

from flask import has_request_context

UTC = "UTC"


@functools.cache
def zone_names():
    """Every IANA zone name this machine knows (the tzdata package supplies them where the OS has none)."""
    return frozenset(zoneinfo.available_timezones())


def valid_zone(name):
    """True when `name` is an IANA time zone name such as "Europe/Berlin"."""
    return isinstance(name, str) and name in zone_names()


@functools.cache
def server_zone_name():
    """The server's local zone as an IANA name (TZ, /etc/timezone, or where /etc/localtime points), else "UTC"."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        with open("/etc/timezone", encoding="utf-8") as f:
            candidates.append(f.read().strip())
    except OSError:
        pass
    try:
        target = os.path.realpath("/etc/localtime")
        candidates.append(target.partition("zoneinfo/")[2])
    except OSError:
        pass
    return next((name for name in candidates if valid_zone(name)), UTC)


def utc_now():
    """The current time, aware, in UTC (the one place the clock is read: tests freeze it here)."""
    return datetime.datetime.now(datetime.timezone.utc)


def _user(user):
    """`user`, or the signed-in user during a request, or None (CLI, background work without a user)."""
    if user is None and has_request_context():
        from flask_login import current_user

        if current_user.is_authenticated:
            return current_user
    return user


def zone(user=None):
    """The ZoneInfo of `user` (the signed-in user by default); the server's zone without one."""
    name = getattr(_user(user), "time_zone", None)
    return zoneinfo.ZoneInfo(name if valid_zone(name) else server_zone_name())


def now(user=None):
    """The current wall-clock time of `user` (the signed-in user by default), to the minute, naive.

    Without a user (CLI, a background job for nobody in particular) the server's local clock."""
    user = _user(user)
    moment = utc_now().astimezone(zone(user)) if user is not None else utc_now().astimezone()
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def today(user=None):
    """Today's date where `user` (the signed-in user by default) is."""
    return now(user).date()


def local(moment, user=None):
    """A naive UTC bookkeeping time (created, last seen) as the wall-clock time of `user`, naive; None stays None."""
    if moment is None:
        return None
    return moment.replace(tzinfo=datetime.timezone.utc).astimezone(zone(user)).replace(tzinfo=None)
