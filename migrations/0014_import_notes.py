"""An import's preview says, row by row, what was kept or skipped and why (issue 17): vCard rows are imported even
when one of their properties is not (a photo, an invalid email, a birthday that is no date), so the preview needs a
place for that besides the problems that leave a row out; and a vCard 4 name's alternative (ALTID) is shown beside it.
"""
from peewee import TextField


def up(migrator, db):
    """Add notes and alt_name to import_row."""
    migrator.migrate(
        migrator.add_column("import_row", "notes", TextField(default="")),
        migrator.add_column("import_row", "alt_name", TextField(default="")),
    )


def down(migrator, db):
    """Drop the two columns (previews in progress lose their notes)."""
    migrator.migrate(
        migrator.drop_column("import_row", "alt_name"),
        migrator.drop_column("import_row", "notes"),
    )
