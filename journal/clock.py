"""The user's clock: "now" and "today" where the user lives (their time zone), as wall-clock values."""
import datetime


def now(user=None):
    """The current wall-clock time of `user` (the signed-in user by default), to the minute, naive."""
    # Provisional: the server's local time until each user has a time zone.
    return datetime.datetime.now().replace(second=0, microsecond=0)


def today(user=None):
    """Today's date where `user` (the signed-in user by default) is."""
    return now(user).date()
