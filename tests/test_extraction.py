"""Smart capture: what a free note says (journal/extraction.py), the `flask extract` command, and the corpus scores
(tests/fixtures/notes/: precision and recall per kind, the held-out notes apart)."""
import datetime
import json

import pytest

from journal.extraction import extract
from journal.when import find_when
from tests import corpus

WEDNESDAY = datetime.date(2026, 3, 11)


def found(note, today=WEDNESDAY):
    """The command's JSON shape of what `note` says on `today`."""
    return extract(note, today).as_json()


@pytest.mark.parametrize("note, text, due", [
    ("Promised to send the brochure by Friday", "send the brochure", "2026-03-13"),
    ("I'll get her the quote tomorrow", "get her the quote", "2026-03-12"),
    ("Will email the contract draft end of next week", "email the contract draft", "2026-03-20"),
    ("need to call back Monday", "call back", "2026-03-16"),
    ("Rückruf morgen versprochen", "Rückruf", "2026-03-12"),
    ("Preisliste bis Ende des Monats schicken", "Preisliste schicken", "2026-03-31"),
    ("Send samples next week", "send samples", "2026-03-16"),
    ("Angebot schicke ich übermorgen", "Angebot schicke", "2026-03-13"),
    ("I'll send the invoice on the 3rd", "send the invoice", "2026-04-03"),
    ("promised the quote in zwei Wochen", "the quote", "2026-03-25"),
    ("Muss noch die Zeichnung anpassen, in 3 Tagen", "die Zeichnung anpassen", "2026-03-14"),
    ("Unterlagen nach Ostern schicken", "Unterlagen schicken", "2026-04-07"),
    ("I'll follow up with the revised quote", "follow up with the revised quote", "2026-03-18"),  # no day: a week
    ("Must get back to Dave about the warranty claim tomorrow morning", "get back to Dave about the warranty claim",
     "2026-03-12"),
    ("Promised Lisa I'd introduce her to our logistics lead by next Friday", "introduce her to our logistics lead",
     "2026-03-20"),
    ("remind me to call Jane on Friday about the renewal", "call Jane about the renewal", "2026-03-13"),
    ("Angebot überarbeiten und bis 15.6. schicken", "Angebot überarbeiten und schicken", "2026-06-15"),
    ("I told her I would get back to her within a week", "get back to her", "2026-03-18"),
    ("He asked me to send the references by next Monday", "send the references", "2026-03-16"),
    ("send proposal by 20th", "send proposal", "2026-03-20"),
    ("Chase on Friday if nothing back", "chase if nothing back", "2026-03-13"),
])
def test_my_promises_and_their_due_dates(note, text, due):
    """A promise of mine is found with its day, resolved to the future from the visit's day (a Wednesday)."""
    assert found(note)["promises"] == [{"text": text, "due": due}]


def test_a_cancelled_meeting_plans_nothing_but_my_call_back_counts():
    """"Termin abgesagt, melde mich nächste Woche": no meeting, and my promise to get in touch."""
    result = found("Termin abgesagt, melde mich nächste Woche wegen neuem Termin")
    assert result["meetings"] == []
    assert result["promises"] == [{"text": "melde mich wegen neuem Termin", "due": "2026-03-16"}]


@pytest.mark.parametrize("note", [
    "he will send us the PO on Friday",
    "Er schickt uns die Bestellung am Montag",
    "moved into the new warehouse last Friday",
    "I sent the offer yesterday",
    "Tom will call me back on Monday",
    "Frau Weber will sich nächste Woche melden",
    "Rechnung 15.04 bezahlt",
    "He promised us the PO by Friday",
    "no need to send anything before Friday",
    "order 4412 delivered on 3 March",
    "Met Jan from purchasing, nice chat",
    "Sent him the brochure as promised",
    "I should really visit the plant more often",
    "Order placed for 30 units, delivery on 15 April",
    "Call went well, he is happy with the service",
    "Er ruft morgen zurück",
    "Will probably order again in spring. No action needed",
])
def test_what_is_not_my_promise(note):
    """The customer's commitments, past events and the "Met Jan" trap make no promise."""
    assert found(note)["promises"] == []


@pytest.mark.parametrize("note, family", [
    ("his daughter Léa, 8, plays violin", [("child", "Léa", 8)]),
    ("son Max turned 12", [("child", "Max", 12)]),
    ("wife Maria", [("partner", "Maria", None)]),
    ("Tochter Mia (6)", [("child", "Mia", 6)]),
    ("twins Ana and Luis are 4", [("child", "Ana", 4), ("child", "Luis", 4)]),
    ("Seine Frau Claudia und Tochter Lena (12) waren da", [("partner", "Claudia", None), ("child", "Lena", 12)]),
    ("Enkel Paul, 3, und Lina, 1", [("other", "Paul", 3), ("other", "Lina", 1)]),
    ("her 8-year-old son Leo", [("child", "Leo", 8)]),
    ("Frau Müller ordered 20 boxes", []),
    ("Hugo's dad passed away last month", []),
    ("his daughter is 8", []),
    ("Treffen am Donnerstag. Ihr Mann Peter ist Koch", [("partner", "Peter", None)]),
    ("her kids: Noah (9), Mia (7) and Ben (3)", [("child", "Noah", 9), ("child", "Mia", 7), ("child", "Ben", 3)]),
    ("wife Sarah, kids Tom 7 and Lucy 4", [("partner", "Sarah", None), ("child", "Tom", 7), ("child", "Lucy", 4)]),
])
def test_family(note, family):
    """Relation, name and age, in English and German; "Frau Müller" is Mrs Müller, and a nameless child is
    no entry."""
    assert [(f["relation"], f["name"], f["age"]) for f in found(note)["family"]] == family


def test_a_family_member_s_hobby_is_theirs_and_whose_family_is_said():
    """Léa's violin is Léa's, not the customer's; "Tom's wife Maria" is Tom's family."""
    reading = extract("Tom's wife Maria runs a bakery. his daughter Léa, 8, plays violin", WEDNESDAY)
    assert [(f.name, f.about, f.interests) for f in reading.family] == [("Maria", "Tom", ()), ("Léa", None, ("violin",))]
    assert reading.interests == []


@pytest.mark.parametrize("note, interests, gifts", [
    ("he sails every weekend", ["sailing"], []),
    ("spielt Klavier", ["Klavier"], []),
    ("loves single malt – gift idea", [], ["single malt"]),
    ("Geschenkidee: ein Kochbuch", [], ["Kochbuch"]),
    ("Carlos is a huge Real Madrid fan", ["Real Madrid"], []),
    ("Zoe loves our new matte finish", [], []),
])
def test_interests_and_gift_ideas(note, interests, gifts):
    """Hobbies as the core words a person would note; a gift idea is only a gift idea."""
    result = found(note)
    assert (result["interests"], result["gifts"]) == (interests, gifts)


@pytest.mark.parametrize("note, date, time", [
    ("next meeting on 15 April", "2026-04-15", None),
    ("let's meet again next Tuesday at 10", "2026-03-17", "10:00"),
    ("Nächster Termin am 15.04.", "2026-04-15", None),
    ("Termin am 15.04 um 14:30 bei ihm", "2026-04-15", "14:30"),
    ("Übermorgen Termin um 7:30 im Werk", "2026-03-13", "07:30"),
    ("see you on Friday at 3", "2026-03-13", "15:00"),
    ("in 14 Tagen wieder vorbeischauen, um halb zehn", "2026-03-25", "09:30"),
    ("Angebot bis 15.6. schicken. Termin vor Ort am 22.6.", "2026-06-22", None),
    ("visit went fine. next appt 3/15 at 2pm", "2026-03-15", "14:00"),
])
def test_the_next_meeting(note, date, time):
    """The next meeting's day and time."""
    assert found(note)["meetings"] == [{"date": date, "time": time}]


def test_a_board_meeting_of_theirs_or_a_past_one_is_no_visit():
    """Someone else's meeting and a past one plan nothing."""
    assert found("He has a board meeting on Friday. Visited the plant last Tuesday")["meetings"] == []


@pytest.mark.parametrize("phrase, today, day", [
    ("Friday", WEDNESDAY, "2026-03-13"),
    ("Friday", datetime.date(2026, 3, 13), "2026-03-20"),  # said on a Friday: next week's
    ("on the 3rd", datetime.date(2026, 3, 4), "2026-04-03"),
    ("end of the month", datetime.date(2026, 2, 10), "2026-02-28"),
    ("end of next week", WEDNESDAY, "2026-03-20"),
    ("in two weeks", WEDNESDAY, "2026-03-25"),
    ("übermorgen", WEDNESDAY, "2026-03-13"),
    ("the day after tomorrow", WEDNESDAY, "2026-03-13"),
    ("Anfang April", WEDNESDAY, "2026-04-01"),
    ("nach Ostern", WEDNESDAY, "2026-04-07"),
    ("after Easter", datetime.date(2026, 4, 20), "2027-03-30"),
    ("15 April", datetime.date(2026, 5, 1), "2027-04-15"),
    ("am 15.04", WEDNESDAY, "2026-04-15"),
    ("Mitte Januar", datetime.date(2026, 12, 5), "2027-01-15"),
    ("next Tuesday", WEDNESDAY, "2026-03-17"),
    ("nächste Woche Dienstag", datetime.date(2026, 3, 9), "2026-03-17"),
])
def test_dates_resolve_to_the_future_from_the_visit(phrase, today, day):
    """Each phrase means one day, counted from the visit's day."""
    whens = [w for w in find_when(phrase, today) if w.date]
    assert [w.date.isoformat() for w in whens] == [day]


@pytest.mark.parametrize("phrase", ["Met Jan", "3.5 tonnes", "kostet 2.10 €", "heute Morgen", "last Friday"])
def test_what_only_looks_like_a_date(phrase):
    """Names, amounts and past days are no day ahead."""
    assert [w for w in find_when(phrase, WEDNESDAY) if w.date and w.date > WEDNESDAY] == []


def test_the_command_prints_one_json_line_per_note(app):
    """`flask extract --today` reads JSON lines and answers one JSON line each, a bad line included."""
    notes = "\n".join([json.dumps({"note": "Promised to send the brochure by Friday. Tochter Mia (6)"}),
                       "not json", json.dumps({"note": "Nächster Termin am 15.04. um 10 Uhr"})]) + "\n"
    result = app.test_cli_runner().invoke(args=["extract", "--today", "2026-03-11"], input=notes)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines[0] == {"promises": [{"text": "send the brochure", "due": "2026-03-13"}],
                        "family": [{"relation": "child", "name": "Mia", "age": 6}],
                        "interests": [], "gifts": [], "meetings": []}
    assert "error" in lines[1]
    assert lines[2]["meetings"] == [{"date": "2026-04-15", "time": "10:00"}]


def test_the_command_refuses_a_bad_day(app):
    """--today must be a date."""
    result = app.test_cli_runner().invoke(args=["extract", "--today", "soon"], input="")
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output


GOALS = {"promises": (0.95, 0.90), "family": (None, 0.90), "meetings": (None, 0.85)}  # (precision, recall)


def _scores(name):
    """{kind: (precision, recall)} of one corpus file, printed as a table."""
    totals, _ = corpus.score(corpus.load(name), lambda note, today: extract(note, today).as_json())
    print(f"\n{name}\n" + corpus.table(totals))
    return {kind: corpus.rates(*values) for kind, values in totals.items()}


def test_corpus_sizes():
    """At least 120 notes, the last 30 of them held out."""
    assert len(corpus.load("held_out")) == 30
    assert len(corpus.load("dev")) + 30 >= 120


@pytest.mark.parametrize("name", ["dev", "held_out"])
def test_corpus_meets_the_goals(name):
    """Precision and recall per kind meet the issue's goals (run with -s to see the table)."""
    scores = _scores(name)
    for kind, (precision_goal, recall_goal) in GOALS.items():
        precision, recall = scores[kind]
        assert recall >= recall_goal, (kind, recall)
        if precision_goal:
            assert precision >= precision_goal, (kind, precision)
