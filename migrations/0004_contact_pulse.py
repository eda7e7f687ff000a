"""Contacts remember their last two mood checks (pulses), so Today finds drops without scanning touches."""
from peewee import DateTimeField, IntegerField


def up(migrator, db):
    """Add last_pulse, previous_pulse and last_pulse_at to contact, filled from existing touches."""
    migrator.migrate(
        migrator.add_column("contact", "last_pulse", IntegerField(null=True)),
        migrator.add_column("contact", "previous_pulse", IntegerField(null=True)),
        migrator.add_column("contact", "last_pulse_at", DateTimeField(null=True)),
    )
    pulses = (
        'SELECT {col} FROM "touch" t JOIN "touch_contact" tc ON tc."touch_id" = t."id" '
        'WHERE tc."contact_id" = "contact"."id" AND t."pulse" IS NOT NULL '
        'ORDER BY tc."happened_at" DESC, t."id" DESC LIMIT 1 OFFSET {offset}'
    )
    db.execute_sql(
        'UPDATE "contact" SET '
        f'"last_pulse" = ({pulses.format(col="t.pulse", offset=0)}), '
        f'"previous_pulse" = ({pulses.format(col="t.pulse", offset=1)}), '
        f'"last_pulse_at" = ({pulses.format(col="tc.happened_at", offset=0)})'
    )


def down(migrator, db):
    """Drop the pulse columns."""
    migrator.migrate(
        migrator.drop_column("contact", "last_pulse_at"),
        migrator.drop_column("contact", "previous_pulse"),
        migrator.drop_column("contact", "last_pulse"),
    )
