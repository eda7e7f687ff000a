"""Search: matching rules, groups, snippets, index consistency, isolation, fragment and page.

Every test here runs on SQLite, and again on PostgreSQL when TEST_DATABASE_URL names a database the
tests may wipe (its public schema is dropped and re-created for each test): the two search backends
side by side. (With TEST_DATABASE_URL the rest of the suite runs on PostgreSQL only.)
"""
import re

import pytest
from helpers import ON_POSTGRESQL, PG_URL, add_contact, add_family, capture, close_app_database, text, wipe_postgresql

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from journal import create_app, migrate
from journal.db import db
from journal.models import Contact, FamilyMember, Gift, Touch
from journal.text import fold


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    """The app on a fresh SQLite file, or on a wiped PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        if not ON_POSTGRESQL:
            pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL search tests are skipped")
        wipe_postgresql()
        url = PG_URL
    application = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with application.app_context():
        migrate.upgrade(backup_dir=str(tmp_path / "backups"))
        db.close()
    yield application
    close_app_database(application)


def names(response):
    """The result titles, in order, without markup."""
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'class="result-title">(.*?)</span>', text(response))]


def search(session, q, **params):
    """Search as htmx, like the search box does."""
    return session.client.get("/search", query_string={"q": q, **params},
                              headers={"HX-Request": "true", "HX-Target": "search-results"})


@pytest.fixture
def journal(ada):
    """A small journal for Ada."""
    zoe = add_contact(ada, name="Zoë Martin", company="Acme Logistics", phones="+1 (555) 123-4567", interests="sailing")
    add_contact(ada, name="Łukasz Nowak", company="Nordlicht", phones="", emails="")
    add_contact(ada, name="佐藤 健", company="Sakura Foods", phones="", emails="")
    add_contact(ada, name="Sean O'Brien", company="C++ Consulting", phones="", emails="")
    add_family(ada, zoe, name="Léa", day="3", month="12", year="2017", interests="violin")
    ada.post(f"/people/{zoe}/world", data={"goals": "Open a second warehouse in Lyon", "challenges": "", "how_to_help": "",
                                          "ideas_to_give": "", "feel_important": ""})
    capture(ada, [zoe], note="Talked about the new refrigerated trucks.")
    ada.post(f"/people/{zoe}/promises", data={"text": "send the brochure about pallets", "due_on": "2026-12-01"})
    ada.post(f"/people/{zoe}/gifts", data={"description": "Chess set", "recipient": ""})
    ada.post(f"/people/{zoe}/gestures", data={"text": "Introduce her to the harbour master", "due_on": "2026-12-01"})
    return zoe


def test_prefix_on_the_last_word(ada, journal):
    response = search(ada, "viol")
    assert response.status_code == 200
    assert "Léa, child of Zoë Martin" in names(response)
    assert "<mark>violin</mark>" in text(response)  # the whole word that the prefix matched
    assert names(search(ada, "Zo")) == ["Zoë Martin"]


def test_diacritics_both_ways_and_non_latin(ada, journal):
    assert names(search(ada, "zoe")) == ["Zoë Martin"]
    assert names(search(ada, "ZOË")) == ["Zoë Martin"]
    assert names(search(ada, "lukasz")) == ["Łukasz Nowak"]
    assert names(search(ada, "łukasz")) == ["Łukasz Nowak"]
    assert names(search(ada, "lea"))[0] == "Léa"
    assert names(search(ada, "佐藤")) == ["佐藤 健"]
    add_contact(ada, name="Bjørn Straße", company="Fjord AS", phones="", emails="", interests="")
    assert names(search(ada, "bjorn")) == ["Bjørn Straße"]
    assert names(search(ada, "strasse")) == ["Bjørn Straße"]


@pytest.mark.parametrize("q", ['"', "((", ")", "c++", "o'brien", 'zoe"', "AND", "OR NOT", "*", "-", "a:b", "NEAR(", "^x", "'; DROP TABLE contact; --"])
def test_any_input_is_safe(ada, journal, q):
    response = search(ada, q)
    assert response.status_code == 200


def test_odd_inputs_still_find_people(ada, journal):
    assert names(search(ada, "o'brien")) == ["Sean O&#39;Brien"]
    assert "Sean O&#39;Brien" in names(search(ada, "c++"))


def test_phone_digits(ada, journal):
    assert names(search(ada, "5551234")) == ["Zoë Martin"]
    assert names(search(ada, "555-123")) == ["Zoë Martin"]
    assert names(search(ada, "999999")) == []


def test_groups_in_order_with_snippets_and_links(ada, journal):
    response = search(ada, "warehouse")
    html = text(response)
    assert "Their world" in html and "second <mark>warehouse</mark>" in html
    everything = text(search(ada, "Acme"))
    assert everything.index(">People<") < len(everything)
    assert "Zoë Martin" in everything
    trucks = text(search(ada, "refrigerated"))
    assert "Touches" in trucks and "<mark>refrigerated</mark>" in trucks and 'href="/touches/' in trucks
    for q, group in [("brochure", "Promises"), ("chess", "Gifts"), ("harbour", "Gestures"), ("sailing", "Interests")]:
        assert f'aria-label="{group}"' in text(search(ada, q)), q
    order = [m for m in re.findall(r'aria-label="([A-Z][a-z ]+)"', text(search(ada, "Zoë")))]
    assert order[0] == "People"


def test_names_rank_above_notes(ada):
    cid = add_contact(ada, name="Violet Smith")
    other = add_contact(ada, name="Tom Walsh")
    capture(ada, [other], note="Talked about violet flowers")
    html = text(search(ada, "violet"))
    assert html.index("Violet</mark> Smith") < html.index("<mark>violet</mark> flowers")
    assert cid


def test_top_20_then_more(ada):
    for i in range(25):
        add_contact(ada, name=f"Marta Number{i:02d}", phones="", emails="", tags="", interests="")
    first = search(ada, "marta")
    assert len(names(first)) == 20 and "More results" in text(first)
    more = search(ada, "marta", limit=40)
    assert len(names(more)) == 25 and "More results" not in text(more)


def test_full_page_and_fragment(ada, journal):
    page = ada.get("/search?q=zoe")
    assert "<html" in text(page) and 'value="zoe"' in text(page) and names(page) == ["Zoë Martin"]
    fragment = search(ada, "zoe")
    assert text(fragment).startswith('<div id="search-results"') and "<html" not in text(fragment)
    assert "HX-Target" in fragment.headers["Vary"]
    assert 'hx-get="/search"' in text(ada.get("/")) and 'id="search-results"' in text(ada.get("/"))


def test_index_follows_updates_deletes_and_cascades(app, ada, journal):
    ada.post(f"/people/{journal}/card", data={"name": "Zoë Dubois", "company": "Acme Logistics", "phones": "", "emails": "",
                                              "tags": "", "interests": "", "city": "", "role": "", "how_we_met": "", "cadence_days": ""})
    assert names(search(ada, "martin")) == []
    assert names(search(ada, "dubois")) == ["Zoë Dubois"]
    with app.app_context():
        lea = FamilyMember.get()
    ada.post(f"/people/{journal}/family/{lea.id}", data={"relation": "child", "name": "Chloé", "interests": "piano"})
    assert "Chloé" in names(search(ada, "chloe")) and names(search(ada, "violin")) == []
    with app.app_context():
        touch = Touch.get()
    ada.post(f"/touches/{touch.id}/edit", data={"kind": "call", "note": "Only about invoices"})
    assert "refrigerated" not in text(search(ada, "refrigerated")) or names(search(ada, "refrigerated")) == []
    assert names(search(ada, "invoices"))
    ada.post(f"/people/{journal}/delete")
    for q in ("dubois", "chloe", "piano", "invoices", "brochure", "chess", "harbour", "warehouse"):
        assert names(search(ada, q)) == [], q
    with app.app_context():
        assert Gift.select().count() == 0 and Contact.select().where(Contact.name == "Zoë Dubois").count() == 0


def test_only_your_own_data(ada, bob, journal):
    add_contact(bob, name="Zoë Bobsclient", company="Bob Corp", interests="", phones="+1 555 123 9999")
    assert names(search(bob, "zoe")) == ["Zoë Bobsclient"]
    for q in ("viol", "warehouse", "refrigerated", "brochure", "chess", "harbour", "acme", "5551234"):
        assert names(search(bob, q)) == [], q
    assert "Bobsclient" not in text(search(ada, "zoe"))


def test_an_account_key_typed_into_the_box_finds_nothing_of_another_account(app, ada, bob, journal):
    """The index keys each account's entries by user id and kind (migration 0021: SQLite's rowid, PostgreSQL's
    lexemes prefixed "<scope>/"): nothing typed, however it imitates a key, reaches another account's entries."""
    add_contact(bob, name="Bob Client", company="Secretplan Ltd", phones="", emails="")
    capture(bob, [], new=["Walter Secretplan"], note="secretplan 3/4 of the budget o'brien")
    aid, bid = ada.user.id, bob.user.id
    for kind in range(8):
        for q in (f"{bid * 8 + kind}/secretplan", f"'{bid * 8 + kind}/secretplan'", f"{bid * 8 + kind}/secretplan*",
                  f'"{bid * 8 + kind}/secretplan"', "secretplan", "secretplan OR zoe", f"u{bid}k{kind} secretplan",
                  f"rowid:{(bid << 40) + (kind << 37)}", "3/4", f"{aid * 8 + kind}/zoe -secretplan"):
            found = text(search(ada, q))  # (the page repeats what was typed when nothing is found)
            assert [w for w in ("Bob Client", "Walter", "of the budget", "Secretplan Ltd") if w in found] == [], q
    assert "Secretplan" in text(search(bob, "secretplan")) and "Walter Secretplan" in names(search(bob, "walter"))
    assert "3/4" in text(search(bob, "3/4"))  # a word with a slash is a word of its own, in its owner's scope


def test_rebuild_command(app, ada, journal, runner):
    from journal.db import db

    with app.app_context():
        db.execute_sql("DELETE FROM search_index")
    assert names(search(ada, "zoe")) == []
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert names(search(ada, "zoe")) == ["Zoë Martin"]
    assert "Léa, child of Zoë Martin" in names(search(ada, "viol"))


def test_user_text_in_results_is_escaped(ada):
    cid = add_contact(ada, name="<script>alert(1)</script> Evil", company="<b>Bold</b>", phones="", emails="", interests="")
    capture(ada, [cid], note="a <img src=x onerror=alert(2)> note about evil")
    html = text(search(ada, "evil"))
    assert "<script>" not in html and "<img" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;" in html
    # The snippet's fragment may start after "<img" (PostgreSQL's ts_headline does), but it is escaped.
    assert "&lt;img" in html or "alert(2)&gt;" in html
    assert "<mark>Evil</mark>" in html or "<mark>evil</mark>" in html


def test_exporting_a_search_finds_the_same_people(ada, journal):
    page = text(ada.get("/export?q=viol"))
    assert "People found by “viol”" in page and "1 person," in page
    assert "0 people," in text(ada.get("/export?q=nothingmatches"))


def groups(response):
    """The result groups' titles, in order."""
    return re.findall(r'<h2[^>]*>([^<]+)</h2>', text(response))


def test_or_finds_either_word(ada, journal):
    """`OR` (as typed, in capitals) combines two searches; lower-case "or" is only a word."""
    found = search(ada, "warehouse OR brochure")
    assert {"Their world", "Promises"} <= set(groups(found)), groups(found)
    assert {"Zoë Martin", "Łukasz Nowak"} <= set(names(search(ada, "acme OR nordlicht")))
    assert names(search(ada, "acme OR nordl")) == ["Zoë Martin", "Łukasz Nowak"] or \
        set(names(search(ada, "acme OR nordl"))) == {"Zoë Martin", "Łukasz Nowak"}  # the last word is still a prefix
    assert names(search(ada, "acme or nordlicht")) == []


def test_minus_excludes_a_word(ada, journal):
    assert "Their world" in groups(search(ada, "warehouse -paris"))
    assert "Their world" not in groups(search(ada, "warehouse -lyon"))
    assert names(search(ada, "acme -zoe")) == []


def test_quoted_phrase_matches_words_in_that_order(ada, journal):
    assert "Their world" in groups(search(ada, '"second warehouse"'))
    assert "Their world" not in groups(search(ada, '"warehouse second"'))
    assert "Their world" in groups(search(ada, '"SECOND Warehouse"'))


@pytest.mark.parametrize("q", ["a\x00b", "zoe\x00", "\x00", "zo\x01\x02e", "\x1b[31mzoe", "zoe\x7f", "\u0085zoe"])
def test_control_characters_in_what_is_typed_never_break_a_page(ada, journal, q):
    """NUL and other control characters are dropped from every query: search, the exports of a search, capture."""
    assert search(ada, q).status_code == 200
    assert ada.get("/search", query_string={"q": q}).status_code == 200
    for url in ("/export", "/export.xlsx", "/export.csv", "/export.zip"):
        assert ada.get(url, query_string={"q": q}).status_code == 200, url
    assert ada.get("/capture/contacts", query_string={"q": q}).status_code == 200
    assert ada.get("/people/", query_string={"tag": q}).status_code == 200
    assert ada.post("/export/prepare", data={"q": q, "format": "csv"}).status_code < 500
    if q in ("zoe\x00", "zo\x01\x02e", "zoe\x7f", "\u0085zoe"):
        assert names(search(ada, q)) == ["Zoë Martin"]


def test_the_typed_query_is_parsed_the_same_for_both_backends():
    """Phrases, exclusions, OR, NOT, the prefix being typed, and inputs that can match nothing."""
    from journal.search_query import parse, wanted_words

    [only] = parse('Zoë "new  Warehouse" -lyon -"bad news" NOT paris viol')
    assert [t.words for t in only.include] == [("zoe",), ("new", "warehouse"), ("viol",)]
    assert [t.words for t in only.exclude] == [("lyon",), ("bad", "news"), ("paris",)]
    assert [t.prefix for t in only.include] == [False, False, True]
    assert [len(a.include) for a in parse("acme OR nordlicht OR")] == [1, 1]
    assert parse('"second wareh')[0].include[0].prefix  # a phrase still being typed
    assert not parse('"second warehouse"')[0].include[0].prefix
    assert parse("o'brien")[0].include[0].words == ("o", "brien")
    for nothing in ("", "-lyon", "OR", "OR NOT", "++", '"', "\x00", "- -"):
        assert parse(nothing) == [], nothing
    assert wanted_words("acme -lyon OR zoe") == ("acme", "zoe")


def test_a_persons_result_does_not_repeat_their_company(ada, journal):
    """Found by the company: the subtitle shows it highlighted, once, not again as a snippet below."""
    html = text(search(ada, "acme"))
    assert html.count("Logistics") == 1 and "<mark>Acme</mark> Logistics" in html
    assert "<mark>hannover</mark>" in text(search(ada, "hannover")).lower()  # found in how they met: the snippet shows where


def test_cyrillic_short_i_is_a_letter_of_its_own(ada):
    """й is not an accented и: "Віталій" finds Віталій, "Віталии" does not; ё may be typed as е."""
    add_contact(ada, name="Віталій Коваленко", company="Київстар", phones="", emails="", interests="", tags="")
    add_contact(ada, name="Пётр Соловьёв", company="", phones="", emails="", interests="", tags="")
    for q in ("Віталій", "віталій", "ВІТАЛІЙ", "Віталі", "Віталій Коваленко", '"віталій коваленко"'):
        assert names(search(ada, q)) == ["Віталій Коваленко"], q
    assert names(search(ada, "Віталии")) == [] and names(search(ada, "Віталии Коваленко")) == []
    for q in ("Пётр", "Петр", "соловьев", "Соловьёв"):
        assert names(search(ada, q)) == ["Пётр Соловьёв"], q


# Letters people write names and notes in: Latin with accents and letters of their own, Cyrillic (й ё ї ў), Greek
# (final sigma, tonos), Hebrew and Arabic (with presentation forms that carry points), CJK and kana (dakuten), Turkish.
SCRIPTS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâäáãåçñóòôöõúùûüíìîïýÿčćďěňřšťžźżąęńśőűǅ",
    "łŁøØßẞæÆœŒðþđĐ",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯіїєґІЇЄҐўЎ",
    "αβγδεζηθικλμνξοπρστυφχψωςάέήίόύώϊϋΐΰΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΆΈΉΊΌΎΏ",
    "אבגדהוזחטיכךלמםנןסעפףצץקרשת\ufb2a\ufb2b\ufb2e\ufb2f",  # the last four: letters with their points
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإةىﻻ",
    "山田太郎佐藤健東京中国语한국어ガギグゲゴカキクケコひらがなパピプ",
    "ıİşŞğĞçÇöÖüÜ",
]
WORDS = st.one_of([st.text(alphabet=script, min_size=1, max_size=8) for script in SCRIPTS]
                  + [st.text(alphabet="".join(SCRIPTS), min_size=1, max_size=8)])


def typings(word):
    """The ways a word may be typed: as stored, without its accents (as fold removes them), in capitals."""
    return {word, fold(word), fold(word).upper()} - {"OR", "AND", "NOT"}  # those three are the search's own syntax


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.lists(WORDS, min_size=1, max_size=3), note=st.lists(WORDS, min_size=1, max_size=4))
def test_any_word_of_a_name_or_note_finds_its_row(app, ada, name, note):
    """Property: each word of a stored name or note, typed as it is or without its accents, finds its row."""
    assume(len(" ".join(name)) <= 200)
    cid = add_contact(ada, name=" ".join(name), company="", role="", city="", how_we_met="", phones="", emails="",
                      interests="", tags="")
    capture(ada, [cid], note=" ".join(note))
    with app.app_context():
        touch = Touch.select(Touch.id).order_by(Touch.id.desc()).get().id
        db.close()
    for words, link in ((name, f'href="/people/{cid}"'), (note, f'href="/touches/{touch}"')):
        for word in words:
            for typed in typings(word):
                assert link in text(search(ada, typed, limit=200)), (typed, words)


def test_either_name_finds_the_person(ada):
    """The alternative name is part of the person's entry: typing either name finds them, and the result shows it."""
    cid = add_contact(ada, name="Yamada Taro", alt_name="山田太郎", company="Sakura Foods", phones="", emails="",
                      interests="", tags="")
    add_contact(ada, name="Олег Петренко", alt_name="Oleg Petrenko", company="", phones="", emails="", interests="", tags="")
    for q in ("山田太郎", "山田", "yamada", "Taro"):
        assert names(search(ada, q)) == ["Yamada Taro"], q
    assert "<mark>山田太郎</mark>" in text(search(ada, "山田太郎"))
    assert names(search(ada, "oleg petrenko")) == ["Олег Петренко"] and names(search(ada, "Олег")) == ["Олег Петренко"]
    ada.post(f"/people/{cid}/card", data={"name": "Yamada Taro", "alt_name": "やまだ", "company": "", "role": "", "city": "",
                                          "phones": "", "emails": "", "tags": "", "interests": "", "how_we_met": ""})
    assert names(search(ada, "山田太郎")) == [] and names(search(ada, "やまだ")) == ["Yamada Taro"]


def test_a_snippet_shows_the_note_as_written(ada, journal):
    """The index holds folded text; the snippet is cut from the note as written: capitals and accents kept, the
    words searched for marked, … where the note is cut."""
    zoe = journal
    capture(ada, [zoe], note="Au salon de Lyon, Léa a réussi son examen de violon. Sa mère Zoë en était très fière, "
                             "et elle nous a présenté le directeur régional des achats pour la Bourgogne.")
    html = text(search(ada, "reussi"))
    assert "…de Lyon, Léa a <mark>réussi</mark> son examen de violon. Sa mère Zoë en était…" in html
    far = text(search(ada, "bourgogne"))
    assert "…" in far and "<mark>Bourgogne</mark>" in far and "Au salon" not in far
