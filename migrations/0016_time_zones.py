"""A time zone per user (issue 18, item 5): "today", due dates, the calendar feed and reminders follow the user's
zone, not the server's local date.

Existing users get the server's local zone (as an IANA name when it can be told, else "UTC"): the zone their
"today" has followed so far. `time_zone_fixed` says the user chose the zone by hand in Account, so that a login
from a browser elsewhere does not change it.
"""
from peewee import BooleanField, CharField

from journal.clock import server_zone_name


def up(migrator, db):
    """Add user.time_zone (the server's zone for existing users) and user.time_zone_fixed (false)."""
    migrator.migrate(
        migrator.add_column("user", "time_zone", CharField(max_length=64, default=server_zone_name())),
        migrator.add_column("user", "time_zone_fixed", BooleanField(default=False)),
    )


def down(migrator, db):
    """Drop both columns (everyone is back on the server's date)."""
    migrator.migrate(
        migrator.drop_column("user", "time_zone_fixed"),
        migrator.drop_column("user", "time_zone"),
    )
