"""A private, revocable token for each user's calendar feed (ICS)."""
from peewee import CharField


def up(migrator, db):
    """Add user.calendar_token (unique, empty until the user turns the feed on)."""
    migrator.migrate(
        migrator.add_column("user", "calendar_token", CharField(max_length=64, null=True)),
        migrator.add_index("user", ("calendar_token",), True),
    )


def down(migrator, db):
    """Drop the token."""
    migrator.migrate(migrator.drop_index("user", "user_calendar_token"), migrator.drop_column("user", "calendar_token"))
