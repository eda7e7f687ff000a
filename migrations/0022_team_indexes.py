"""Indexes that read one account's rows from the index alone, in a team's database (issue 21).

In a database a whole team shares, one account's rows of a table lie one per page among the others' (a team writes
side by side), so a query that finds them by an index on user_id and then reads each from the table reads a page
a row: 2,000 pages for one salesperson's contacts, where alone they fill a few dozen. At 100 accounts x 2,000
people (tests/bench/team.py) that made the People list 1.8 times as slow as the same account alone on SQLite, and
the search for typed phone digits 2.3 times (SQLite) and 22 times (PostgreSQL: once psycopg prepares the statement,
on its fifth run on a connection, the generic plan walked the contact_id index over every account's methods,
filtering 400,000 rows, 283 ms). Each index below holds every column its query reads, in the order it wants, so
both backends answer from the index alone, for one account, whatever plan is chosen:

- contact_listed: the People list's page and count (Contact.list_page: user, sort name, id, name, role, company);
  it replaces (user_id, sort_name), its prefix;
- contact_tag_counted: the tag counts above the list (ContactTag.counts: user, key, name, id); it replaces
  (user_id, key);
- contact_method_phone_digits: the phone digits a search looks into (ContactMethod.contacts_with_phone_digits:
  user, kind, contact, digits).
"""
INDEXES = {
    "contact_listed": ("contact", ("user_id", "sort_name", "id", "name", "role", "company")),
    "contact_tag_counted": ("contact_tag", ("user_id", "key", "name", "id")),
    "contact_method_phone_digits": ("contact_method", ("user_id", "kind", "contact_id", "digits")),
}
REPLACED = {
    "contact_user_id_sort_name": ("contact", ("user_id", "sort_name")),
    "contact_tag_user_id_key": ("contact_tag", ("user_id", "key")),
}


def _create(db, indexes):
    """Create these indexes (name: (table, columns))."""
    for name, (table, columns) in indexes.items():
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)})')


def up(migrator, db):
    """Create the covering indexes, then drop the two they replace."""
    _create(db, INDEXES)
    for name in REPLACED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def down(migrator, db):
    """The indexes as they were."""
    _create(db, REPLACED)
    for name in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
