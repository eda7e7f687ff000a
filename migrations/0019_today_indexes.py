"""Today at 10,000 contacts (issue 19, item 7): indexes that let each of Today's lists read its first rows and count
the rest without scanning every contact, promise or date.

Each index is on an expression of, or a condition over, columns the app already keeps, so the database keeps it
correct on every write (a capture, the outbox's sync, an edit, an import, a restore, a snooze, a cadence change):
there is no new column to fill or to keep in step. The expressions are written exactly as the queries of
journal/models/today.py and journal/models/promises.py write them (an index on an expression is used only for that
same expression).
"""
from peewee import SqliteDatabase

NAMES = ("contact_touch_due", "contact_pulse_dropped", "contact_quiet", "promise_kept_on_time")


def up(migrator, db):
    """Create the four indexes: the day a contact is due for a touch, a mood that dropped, the last touch and last
    mood check, and the promises done on time."""
    if isinstance(db, SqliteDatabase):
        # julianday(DATE(...)): a whole day number, as db.day_number() writes it on SQLite.
        due = 'julianday(DATE(COALESCE("last_touch_at", "created_at"))) + "cadence_days"'
    else:
        due = 'DATE(COALESCE("last_touch_at", "created_at")) + "cadence_days"'
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "contact_touch_due" ON "contact" ("user_id", ({due}), "snoozed_until") '
                   'WHERE "cadence_days" IS NOT NULL')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "contact_pulse_dropped" ON "contact" ("user_id", "last_pulse_at", '
                   '"last_touch_at") WHERE "last_pulse" < "previous_pulse"')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "contact_quiet" ON "contact" ("user_id", "last_touch_at", "last_pulse_at")')
    # An expression, not a partial index: SQLite's planner does not match a partial index's DATE() condition.
    db.execute_sql('CREATE INDEX IF NOT EXISTS "promise_kept_on_time" ON "promise" ("user_id", (DATE("done_at") <= "due_on"))')


def down(migrator, db):
    """Drop the four indexes (Today reads the same rows, more slowly)."""
    for name in NAMES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
