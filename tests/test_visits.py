"""Planned visits (issue 18, item 4): planned by hand or from a note, shown on the brief, Today and the calendar feed,
marked done by a touch only when the user says so."""
import datetime

from helpers import add_contact

from journal import clock
from journal.models import Contact, PlannedVisit

TODAY = clock.today()


def test_plan_stores_a_visit_and_a_second_on_the_same_day_updates_its_time(app, ada):
    cid = add_contact(ada, name="Zoë Martin")
    day = TODAY + datetime.timedelta(days=3)
    with app.app_context():
        zoe = Contact.get_by_id(cid)
        first = PlannedVisit.plan(zoe, day, note="the new warehouse")
        again = PlannedVisit.plan(zoe, day, at=datetime.time(10, 0))
        assert again.id == first.id
        stored = PlannedVisit.get_by_id(first.id)
        assert (stored.on, stored.at, stored.note, stored.user_id) == (day, datetime.time(10, 0), "the new warehouse", zoe.user_id)
        assert PlannedVisit.select().count() == 1
        other_day = PlannedVisit.plan(zoe, day + datetime.timedelta(days=1))
        assert other_day.id != first.id
        assert PlannedVisit.next_for(zoe, TODAY).id == first.id
