"""The brief's "Ask about": openers from recent notes, the mood, birthdays, their world and interests, each with
its source (issue 19, item 1)."""
import datetime
from types import SimpleNamespace

import pytest

from journal.ask_about import openers
from journal.dates import PartialDate
from journal.people.brief import FamilyEntry
from tests.helpers import add_contact, capture

TODAY = datetime.date(2026, 11, 30)


def brief(notes=(), family=(), interests=(), challenges="", pulses=(None, None, None), today=TODAY):
    """A stand-in Brief: `notes` as (days ago, text), `family` as (name, [interests], birthday or None)."""
    last, previous, days_ago = pulses
    contact = SimpleNamespace(last_pulse=last, previous_pulse=previous, challenges=challenges,
                              last_pulse_at=None if days_ago is None else
                              datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(10)))
    touches = [SimpleNamespace(note=text, happened_at=datetime.datetime.combine(
        today - datetime.timedelta(days=ago), datetime.time(15))) for ago, text in notes]
    entries = [FamilyEntry(member=SimpleNamespace(name=name), interests=[SimpleNamespace(name=i) for i in likes],
                           birthday=bday) for name, likes, bday in family]
    return SimpleNamespace(contact=contact, today=today, touches=touches, family=entries,
                           interests=[SimpleNamespace(name=i) for i in interests])


def texts(b):
    """The openers' questions."""
    return [o.text for o in openers(b)]


def test_a_family_members_event_that_has_passed_is_asked_about_with_its_note_as_the_source():
    """'Léa has her violin exam on Friday', written ten days ago: the exam is over."""
    found = openers(brief(notes=[(10, "Great visit. Léa has her violin exam on Friday.")], family=[("Léa", [], None)]))
    assert found[0].text == "How did Léa's violin exam go?"
    assert found[0].source == "Note, 20 Nov: “Léa has her violin exam on Friday”"


def test_an_event_still_ahead_is_a_good_luck_with_its_day():
    """Written yesterday, the exam is on Friday 4 December: wish luck, with the day."""
    assert texts(brief(notes=[(1, "Léa has her violin exam on Friday")], family=[("Léa", [], None)]))[0] == \
        "Léa's violin exam is coming up (4 Dec): wish them luck."


def test_a_vague_day_is_not_made_precise():
    """'next month' names no day: no '(1 Dec)'."""
    assert texts(brief(notes=[(5, "Daughter has exams next month, a bit stressed.")]))[0] == \
        "Your daughter's exams are coming up: wish them luck."


def test_an_undated_event_asks_for_news_and_one_that_is_over_asks_how_it_went():
    """No day at all: 'Any news on…'; 'photos from the holiday': it is over."""
    assert texts(brief(notes=[(3, "Mentioned the trade fair in March.")]))[0] == "Any news on the trade fair?"
    assert texts(brief(notes=[(3, "They replied with photos from the holiday")]))[0] == "How did the holiday go?"


def test_a_start_at_school_or_university():
    """'Their son starts university in the autumn' asks how he is finding it."""
    assert texts(brief(notes=[(20, "Their son starts university in the autumn.")]))[0] == \
        "How is your son finding university?"


def test_a_worry_asks_how_that_person_is():
    """A worry about someone asks about them; a worry with nobody named asks about the customer."""
    assert texts(brief(notes=[(4, "His wife is in hospital since Monday.")]))[0] == "How is your wife doing?"
    assert texts(brief(notes=[(4, "Seemed exhausted, too many projects.")]))[0] == "Ask how they are doing."


def test_german_notes_keep_their_nouns():
    """'Sohn hat nächste Woche Abitur': your son's Abitur, with no made-up day."""
    assert texts(brief(notes=[(2, "Sohn hat nächste Woche Abitur.")]))[0] == \
        "Your son's Abitur is coming up: wish them luck."


def test_a_name_only_counts_written_as_a_name():
    """'max 10 pallets' is not about Max; 'Max has a tournament' is."""
    b = brief(notes=[(3, "They order max 10 pallets before the audit.")], family=[("Max", [], None)])
    assert texts(b)[0] == "Any news on the audit?"
    b = brief(notes=[(3, "Max has a chess tournament on Saturday.")], family=[("Max", [], None)])
    assert texts(b)[0] == "How did Max's chess tournament go?"


def test_old_notes_are_history_not_news():
    """A note older than 120 days gives no opener."""
    assert texts(brief(notes=[(200, "Léa has her violin exam on Friday.")], family=[("Léa", [], None)])) == []


def test_a_dropped_mood_comes_first_with_its_day():
    """Happy, then unhappy twelve days ago: ask how things are, before anything else."""
    found = openers(brief(notes=[(12, "Mentioned the trade fair in March.")], pulses=(2, 4, 12)))
    assert found[0].text == "They seemed unhappy last time: ask how things are going."
    assert found[0].source == "Mood, 18 Nov (was happy)" and found[0].kind == "mood"
    assert texts(brief(pulses=(4, 2, 12))) == []  # it went up
    assert texts(brief(pulses=(2, 4, 400))) == []  # a year ago is not news


def test_a_birthday_just_passed():
    """A child's birthday five days ago: 'How was Léa's birthday?'."""
    bday = SimpleNamespace(partial=PartialDate(2016, 11, 25))
    assert texts(brief(family=[("Léa", [], bday)])) == ["How was Léa's birthday?"]
    later = SimpleNamespace(partial=PartialDate(2016, 12, 25))
    assert texts(brief(family=[("Léa", [], later)])) == []


def test_their_world_and_at_most_one_interest_three_in_all():
    """A challenge, then one interest (the family's before the customer's), three openers at most, no repeats."""
    b = brief(notes=[(3, "Mentioned the trade fair in March.")], challenges="Rising energy costs.\nAlso staff.",
              family=[("Léa", ["violin", "chess"], None)], interests=["sailing"])
    assert texts(b) == ["Any news on the trade fair?", "Any progress on rising energy costs?",
                        "How is Léa getting on with violin?"]
    assert [o.source for o in openers(b)][1:] == ["Their world: current challenges", "Léa's interests"]
    assert texts(brief(interests=["Lyon FC"])) == ["Talk about Lyon FC"]
    assert texts(brief(challenges="ERP rollout late")) == ["Any progress on ERP rollout late?"]


def test_the_brief_shows_the_summary_and_a_saved_change_refreshes_it_out_of_band(app, ada):
    """The page has the summary; adding a promise answers with the promises and the summary in the same response."""
    cid = add_contact(ada)
    assert capture(ada, [cid], note="Léa has her violin exam on Friday.").status_code in (200, 302, 303)
    page = ada.get(f"/people/{cid}").get_data(as_text=True)
    assert page.index('id="contact-card"') < page.index('id="contact-summary"') < page.index('id="contact-details"')
    summary = page[page.index('id="contact-summary"'):page.index('id="contact-details"')]
    assert "Léa has her violin exam on Friday." in summary  # the last touch's first line
    assert "violin exam" in summary and "Ask about" in summary
    response = ada.post(f"/people/{cid}/promises", data={"text": "send the brochure", "due_on": "2030-01-04"},
                        htmx_target="contact-promises")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="contact-promises"')
    oob = html[html.index('<section id="contact-summary"'):]
    assert 'hx-swap-oob="true"' in oob.split(">", 1)[0] and "send the brochure" in oob and "by 4 Jan 2030" in oob


def test_a_failed_save_sends_no_summary(app, ada):
    """A 422 answers with the form and its errors only."""
    cid = add_contact(ada)
    response = ada.post(f"/people/{cid}/promises", data={"text": "", "due_on": "2030-01-04"},
                        htmx_target="contact-promises")
    assert response.status_code == 422 and 'id="contact-summary"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["contact-promises", "contact-summary"])
def test_a_get_of_a_section_sends_no_summary_beside_it(ada, target):
    """Opening or cancelling a section reads only that section: the summary comes with saves alone."""
    cid = add_contact(ada)
    html = ada.hx(f"/people/{cid}", target).get_data(as_text=True)
    assert html.count("<section") == 1 and html.lstrip().startswith(f'<section id="{target}"')


def test_business_words_are_not_family_events():
    """'the school canteen', 'a fair price', 'their operation in Lyon': nothing to ask about."""
    b = brief(notes=[(3, "They supply the school canteen."), (3, "Asked for a fair price."),
                     (3, "Their operation in Lyon is growing.")])
    assert texts(b) == []
