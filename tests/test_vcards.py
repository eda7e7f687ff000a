"""vCard import from real address books (issue 17): every card imports, a broken property costs only itself, and the
preview says per card what was kept and what was skipped. One fixture per writer in tests/fixtures/vcards/ (README)."""
import base64
import os
import re
import unicodedata

from helpers import confirm, form_values, text, upload

from journal.models import Contact, ContactMethod, FamilyMember, ImportantDate, Touch, TouchContact

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "vcards")


def fixture(name):
    """The bytes of one fixture file."""
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def imported(session, name, body=None):
    """Upload a fixture (or `body` under its name), check the preview answered, confirm; return the preview's text."""
    preview = upload(session, name, fixture(name) if body is None else body)
    assert preview.status_code == 200, text(preview)
    html = text(preview)
    assert "Imported" in text(confirm(session, preview))
    return html


def person(name):
    """The contact of that name."""
    return Contact.get(Contact.name == name)


def methods(contact, kind):
    """(label, value) of a contact's phones or emails, in order."""
    rows = ContactMethod.select().where((ContactMethod.contact == contact) & (ContactMethod.kind == kind))
    return [(m.label, m.value) for m in rows.order_by(ContactMethod.position)]


def family(contact):
    """(relation, name) of a contact's family, in order."""
    return [(m.relation, m.name) for m in FamilyMember.select().where(FamilyMember.contact == contact).order_by(FamilyMember.id)]


def dates(contact):
    """(kind, label, year, month, day) of a contact's own dates, in order."""
    rows = ImportantDate.select().where(ImportantDate.contact == contact).order_by(ImportantDate.id)
    return [(d.kind, d.label, d.year, d.month, d.day) for d in rows]


def notes_of(contact):
    """The notes of a contact's touches (kind note)."""
    links = TouchContact.select(TouchContact.touch).where(TouchContact.contact == contact)
    return [t.note for t in Touch.select().where(Touch.id.in_(links) & (Touch.kind == "note"))]


def test_android_2_1_quoted_printable_with_soft_breaks(app, ada):
    """A quoted-printable soft break splits one UTF-8 character (=C3= / =BC); the whole file used to be refused."""
    html = imported(ada, "android-2.1-quoted-printable.vcf")
    assert "2 people in android-2.1-quoted-printable.vcf" in html and "2 ready to import" in html
    assert "Card 2 · +380 67 123 4567" in html  # the preview counts cards, not rows
    assert "Jürgen Müller" in html and "Віталій Коваленко" in html
    assert "Skipped the photo: Rapport keeps no pictures or files." in html
    assert "Kept +49 30 1234 5679 labelled “home fax”: a fax, not a number to call." in html
    with app.app_context():
        jurgen = person("Jürgen Müller")
        assert (jurgen.company, jurgen.role) == ("Bäckerei Müller GmbH", "Einkauf")
        assert methods(jurgen, "phone") == [("mobile", "+49 170 1234567"), ("work", "+49 30 1234 5678"),
                                            ("home fax", "+49 30 1234 5679")]
        assert family(jurgen) == [("partner", "Sabine Müller"), ("child", "Felix")]
        assert dates(jurgen) == [("birthday", "", 1971, 4, 3), ("anniversary", "", 1998, 8, 21)]
        [note] = notes_of(jurgen)
        assert "Kästen, zahlt pünktlich.\nTochter Lena spielt Geige.\n€ 1.200 Rahmen für 2027" in note
        assert methods(person("Віталій Коваленко"), "phone") == [("mobile", "+380 67 123 4567")]


def test_outlook_2003_windows_1250_without_a_charset(app, ada):
    """Outlook 2003 writes Windows-1250 bytes (=B3 is ł) and says no charset: read, and flagged in the preview."""
    html = imported(ada, "outlook-2003-windows-1250.vcf")
    assert "Paweł Kowalski" in html
    assert "Read as Windows-1250 (Central European) text (it did not say its character set): check the accents." in html
    with app.app_context():
        pawel = person("Paweł Kowalski")
        assert (pawel.company, pawel.role, pawel.city) == ("Hurtownia Wisła", "Kierownik zakupów", "Łódź")
        assert methods(pawel, "phone")[0] == ("work", "+48 42 123 45 67")
        assert notes_of(pawel) == ["Imported from outlook-2003-windows-1250.vcf:\nWola herbatę, nie kawę."]


def test_cyrillic_and_western_code_pages_in_one_file(app, ada):
    """Each card's legacy bytes are read with the code page they read best in: Windows-1251 for the Ukrainian card
    (although its "Ві" happens to be a valid UTF-8 pair), Windows-1252 for the German one."""
    html = imported(ada, "outlook-2003-windows-1251.vcf")
    assert "Віталій Шевченко" in html and "Hans Müller" in html
    assert "Read as Windows-1251 (Cyrillic) text (it did not say its character set): check the accents." in html
    assert "Read as Windows-1252 (Western) text (it did not say its character set): check the accents." in html
    with app.app_context():
        vitalii = person("Віталій Шевченко")
        assert vitalii.company == "Київхліб"
        assert methods(vitalii, "phone") == [("work", "+380 44 123 4567"), ("Склад", "+380 44 123 4568")]
        assert notes_of(vitalii) == ["Imported from outlook-2003-windows-1251.vcf:\nЛюбит рыбалку, звонить после обеда"]
        assert person("Hans Müller").company == "Müller & Söhne"


def test_old_mac_os_x_utf16_with_carriage_returns(app, ada):
    """Mac OS X 10.4's Address Book wrote UTF-16 with CR line endings."""
    html = imported(ada, "mac-os-x-10.4-utf16.vcf")
    assert "Jan Łukasiewicz" in html and "Kept the birthday: 21 Jul 1968." in html
    with app.app_context():
        jan = person("Jan Łukasiewicz")
        assert methods(jan, "email") == [("work", "jan@logika.example")]
        assert dates(jan) == [("birthday", "", 1968, 7, 21)]


def test_ios_labels_dates_family_and_colleagues(app, ada):
    """iOS 12: item labels, a 1604 birthday without X-APPLE-OMIT-YEAR, anniversary and custom X-ABDATE, related names
    as family, the manager and assistant noted on the person, the city of the work address."""
    html = imported(ada, "ios-12.vcf")
    for line in ("Kept the birthday: 14 Mar (no year).", "Kept the anniversary: 12 Jun 2004.",
                 "Kept the date “First order”: 1 Sep 2010.", "Kept Marc Martin as family (spouse / partner).",
                 "Noted Claire Dupont (manager) on the person, not as family.",
                 "Kept the city Lyon from the address (street, postcode and country are not kept).",
                 "Kept the note as a first touch, dated today.", "Skipped the photo: Rapport keeps no pictures or files."):
        assert line in html, line
    with app.app_context():
        zoe = person("Zoë Martin")
        assert (zoe.company, zoe.role, zoe.city) == ("Acme Distribution", "Head of purchasing", "Lyon")
        assert methods(zoe, "phone") == [("mobile", "+33 6 12 34 56 78"), ("Warehouse", "+33 4 72 00 00 00"),
                                         ("home fax", "+33 4 72 00 00 01")]
        assert methods(zoe, "email") == [("work", "zoe@acme.example")]
        assert family(zoe) == [("partner", "Marc Martin"), ("child", "Léa")]
        assert dates(zoe) == [("birthday", "", None, 3, 14), ("anniversary", "", 2004, 6, 12),
                              ("custom", "First order", 2010, 9, 1)]
        [note] = notes_of(zoe)
        assert "Prefers calls after 10.\nDaughter Léa plays the violin, grade 5." in note
        assert "Manager: Claire Dupont\nAssistant: Hugo" in note


def test_macos_omit_year_groups_and_a_company_card(app, ada):
    """macOS: X-APPLE-OMIT-YEAR, groups as tags, what has no place is named; a company card is a person named so."""
    html = imported(ada, "macos-contacts.vcf")
    assert "Kept the birthday: 2 Nov (no year)." in html and "Kept the tags: Key accounts, Lagos." in html
    assert "Not imported (Rapport has no place for them): social profiles, instant messaging." in html
    with app.app_context():
        chidi = person("Chidi Okafor")
        assert dates(chidi) == [("birthday", "", None, 11, 2)]
        assert sorted(t.name for t in chidi.tags) == ["Key accounts", "Lagos"]
        assert methods(person("Nordlicht Logistik AG"), "phone") == [("main", "+49 40 555 0100")]


def test_google_right_to_left_names_kept_as_they_are(app, ada):
    """Hebrew and Arabic names are stored as written (a right-to-left mark included); Google's own group is no tag."""
    html = imported(ada, "google-contacts.vcf")
    assert "דנה לוי" in html and "Kept the anniversary: 20 May 2001." in html
    with app.app_context():
        dana = person("דנה לוי")
        assert [t.name for t in dana.tags] == ["לקוחות"]
        assert dates(dana) == [("birthday", "", None, 3, 14), ("anniversary", "", 2001, 5, 20)]
        mohammed = person("\u200fمحمد العلي")
        assert mohammed.company == "شركة النور"


def test_thunderbird_invalid_email_costs_the_email_not_the_person(app, ada):
    """Thunderbird's contact1@invalid is skipped with a note; the malformed REV is no matter."""
    html = imported(ada, "thunderbird-4.0.vcf")
    assert "1 ready to import" in html and "with problems" not in html
    assert "Skipped the email address “contact1@invalid”: it is not a valid email address." in html
    with app.app_context():
        ingrid = person("Ingrid Svensson")
        assert methods(ingrid, "email") == [] and methods(ingrid, "phone") == [("work", "+46 8 123 456 78")]
        assert dates(ingrid) == [("birthday", "", 1982, 5, 30), ("anniversary", "", 2010, 6, 12)]
        assert notes_of(ingrid) == ["Imported from thunderbird-4.0.vcf:\nMet at Elmia fair"]


def test_evolution_spouse_anniversary_and_colleagues(app, ada):
    """Evolution's X-EVOLUTION-SPOUSE is family, its anniversary a date, its manager and assistant a note."""
    html = imported(ada, "evolution.vcf")
    assert "Noted Eva Malá (assistant) on the person, not as family." in html
    with app.app_context():
        tomas = person("Tomáš Dvořák")
        assert tomas.city == "Brno"
        assert family(tomas) == [("partner", "Jana Dvořáková")]
        assert dates(tomas) == [("birthday", "", 1979, 1, 23), ("anniversary", "", 2005, 9, 3)]
        assert notes_of(tomas) == ["Imported from evolution.vcf:\nManager: Petr Novák\nAssistant: Eva Malá"]


def test_vcard4_altid_is_one_person_with_an_alternative_name(app, ada):
    """Two FN (and N) with one ALTID are one person; the alternative is shown in the preview (from N's ALTID pair
    when FN has none). A group is no person."""
    preview = upload(ada, "davx5-altid.vcf", fixture("davx5-altid.vcf"))
    html = text(preview)
    assert "3 people in davx5-altid.vcf" in html and "2 ready to import, 1 with problems" in html
    assert re.search(r"<bdi>山田太郎</bdi></strong> <span class=\"muted\">\(also <bdi>Yamada Taro</bdi>\)", html)
    assert re.search(r"<bdi>Kim Minjun</bdi></strong> <span class=\"muted\">\(also <bdi>김민준</bdi>\)", html)
    assert "A group of people, not a person." in html
    assert "Skipped a link to another card" in html
    assert "Imported 2 people." in text(confirm(ada, preview))
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Kim Minjun", "山田太郎"]
        taro = person("山田太郎")
        assert taro.alt_name == "Yamada Taro"  # kept in its own field, shown on the brief and found by search
        assert family(taro) == [("partner", "山田花子")]
        assert notes_of(taro) == ["Imported from davx5-altid.vcf:\nCo-worker: Suzuki Ichiro"]


def test_birthdays_without_a_year_and_the_1900_placeholder(app, ada):
    """16040101, --0612 and --06-12 are days without a year; 1900-01-01 is skipped as a placeholder, noted."""
    html = imported(ada, "birthdays-without-year.vcf")
    assert "Skipped the birthday 1 January 1900: address books write it for “no date”." in html
    with app.app_context():
        assert dates(person("Year Less CardBook")) == [("birthday", "", None, 1, 1)]
        assert dates(person("Year Less Compact")) == [("birthday", "", None, 6, 12)]
        assert dates(person("Year Less Dashed")) == [("birthday", "", None, 6, 12)]
        assert dates(person("Placeholder Birthday")) == []


def test_a_1604_birthday_reads_and_edits_as_a_day_without_a_year(app, ada):
    """The brief says "has a birthday" (never "turns 423"), and the date's own form saves it unchanged."""
    imported(ada, "ios-12.vcf")
    with app.app_context():
        zoe = person("Zoë Martin")
        birthday = ImportantDate.get((ImportantDate.contact == zoe) & (ImportantDate.kind == "birthday"))
    brief = text(ada.get(f"/people/{zoe.id}"))
    assert "turns" not in brief and "14 Mar" in brief
    action = f"/people/{zoe.id}/dates/{birthday.id}"
    form = form_values(text(ada.get(f"/people/{zoe.id}?edit=date-{birthday.id}")), action)
    assert (form["day"], form["month"], form["year"]) == ("14", "3", "")
    saved = ada.post(action, data=form, htmx_target="contact-dates")
    assert saved.status_code == 200, text(saved)  # a refusal answers 422 with the form
    with app.app_context():
        again = ImportantDate.get_by_id(birthday.id)
        assert (again.kind, again.year, again.month, again.day) == ("birthday", None, 3, 14)


def test_a_broken_property_costs_only_itself(app, ada):
    """A truncated photo, a stray byte, a line that is no property, a card named only by its nickname, a file that
    ends inside its last card: every card imports, and the preview says what happened."""
    html = imported(ada, "broken-properties.vcf")
    assert "5 ready to import" in html and "with problems" not in html
    assert "Read a byte of NOTE that is no UTF-8 as Windows-1252: check the accents." in html
    assert "Skipped a line that is no property: “this line is no property at all”." in html
    assert "The card has no name: named after the nickname." in html
    assert "The file ends inside this card (no END:VCARD line): what was there is read." in html
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Bobby", "Cut Off", "Odd Line", "Stray Byte", "Truncated Photo"]
        assert methods(person("Truncated Photo"), "phone") == [("mobile", "+44 7700 900123")]
        assert notes_of(person("Stray Byte")) == ["Imported from broken-properties.vcf:\nLikes café au lait, and crème brûlée"]
        assert methods(person("Odd Line"), "phone") == [("", "+44 20 7946 0000")]
        assert methods(person("Cut Off"), "email") == [("", "cut.off@example.com")]


def test_nokia_charsets_an_agent_card_and_a_missing_end(app, ada):
    """CHARSET says how to read a value; an AGENT's card is not a person; a card whose END:VCARD is missing ends
    where the next one begins."""
    html = imported(ada, "nokia-2.1.vcf")
    assert "2 people in nokia-2.1.vcf" in html and "2 ready to import" in html
    assert "The card before had no END:VCARD line; the next card starts here." in html
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Eva Schmidt", "Hans Müller"]
        hans = person("Hans Müller")
        assert methods(hans, "phone") == [("work", "+49 89 1234 567")]
        assert notes_of(hans) == ["Imported from nokia-2.1.vcf:\nЗвонить после обеда"]


def test_decomposed_names_are_stored_composed(app, ada):
    """macOS may write "Zoë" decomposed (e + combining diaeresis): the name is stored in NFC."""
    imported(ada, "decomposed-unicode.vcf")
    with app.app_context():
        [contact] = Contact.select()
        assert contact.name == "Zoë Amélie Brontë" == unicodedata.normalize("NFC", contact.name)
        assert len(contact.name) == len("Zoe Amelie Bronte")


def test_a_multi_megabyte_photo_is_skipped_and_a_long_note_cut(app, ada):
    """A vCard 4 card with a 6 MB photo on one line and a 2.1 card with an unindented base64 photo import without
    it; a 100 KB note is cut to what a touch's note holds, and the preview says so."""
    blob = base64.b64encode(os.urandom(4_500_000)).decode()
    lines = "\r\n".join(blob[i:i + 76] for i in range(0, 200_000, 76))
    body = (f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Big Photo\r\nPHOTO:data:image/jpeg;base64,{blob}\r\n"
            "EMAIL:big.photo@example.com\r\nNOTE:" + "Long note. " * 10_000 + "\r\nEND:VCARD\r\n"
            f"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Photo;Old\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n{lines}\r\n\r\n"
            "TEL;CELL:+44 7700 900124\r\nEND:VCARD\r\n").encode()
    assert len(body) > 6_000_000
    html = imported(ada, "photos.vcf", body)
    assert "2 ready to import" in html and html.count("Skipped the photo: Rapport keeps no pictures or files.") == 2
    assert "Cut NOTE to its first 64 KB." in html
    assert "Cut the note to 20000 characters (what a touch&#39;s note holds)." in html
    with app.app_context():
        big = person("Big Photo")
        assert methods(big, "email") == [("", "big.photo@example.com")]
        [note] = notes_of(big)
        assert len(note) == 20000 and note.startswith("Imported from photos.vcf:\nLong note. Long note.")
        assert methods(person("Old Photo"), "phone") == [("mobile", "+44 7700 900124")]


def test_a_card_with_a_hundred_broken_lines_gets_a_short_list(app, ada):
    """A damaged card's preview lists its first notes and says how many more there were; the person imports."""
    junk = "".join(f"garbage line {n}\r\n" for n in range(100))
    body = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many Lines\r\n{junk}TEL:+44 20 7946 0002\r\nEND:VCARD\r\n"
    html = imported(ada, "junk.vcf", body)
    assert "garbage line 28" in html and "garbage line 29" not in html
    assert "… and 71 more notes like these." in html
    with app.app_context():
        assert methods(person("Many Lines"), "phone") == [("", "+44 20 7946 0002")]


def test_an_imported_note_edits_and_saves_as_a_note(app, ada):
    """The imported note is a touch of kind "Note": its edit form offers that kind and saves it unchanged, while the
    capture screen offers only the moments of touch."""
    imported(ada, "thunderbird-4.0.vcf")
    with app.app_context():
        touch = Touch.get(Touch.kind == "note")
        assert person("Ingrid Svensson").last_touch_at is None  # a note is no moment of contact: still never touched
    page = text(ada.get(f"/touches/{touch.id}/edit"))
    form = form_values(page, f"/touches/{touch.id}/edit")
    assert form["kind"] == "note" and form["note"].strip() == "Imported from thunderbird-4.0.vcf:\nMet at Elmia fair"
    saved = ada.post(f"/touches/{touch.id}/edit", data=form)
    assert saved.status_code == 302, text(saved)
    with app.app_context():
        again = Touch.get_by_id(touch.id)
        assert (again.kind, again.note) == ("note", touch.note)
    assert 'value="note"' not in text(ada.get("/capture"))


def test_a_file_saved_again_with_doubled_carriage_returns_keeps_its_folded_lines(app, ada):
    """CR CR LF (a CRLF file saved again by a Windows tool) reads as a blank line after each line: a folded value
    still carries on after it."""
    body = (b"BEGIN:VCARD\r\r\nVERSION:3.0\r\r\nFN:Double Ends\r\r\nNOTE:Wants the new catalogue before\r\r\n"
            b"  the Lyon fair in March.\r\r\nEND:VCARD\r\r\n")
    html = imported(ada, "double.vcf", body)
    assert "Skipped a line" not in html
    with app.app_context():
        assert notes_of(person("Double Ends")) == [
            "Imported from double.vcf:\nWants the new catalogue before the Lyon fair in March."]


def test_control_characters_and_raw_bytes_in_lines_and_parameters_store_cleanly(app, ada):
    """NUL and other controls in a junk line, a parameter or a value never reach the database (PostgreSQL refuses
    NUL); raw bytes in a parameter are read as text, not stored as undecodable surrogates."""
    body = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Hos\x00tile\r\nbad\x00line\r\nRELATED;TYPE=Pat\xe9\x01:Ren\x07\xe9e\r\n"
            b"TEL;TYPE=Sh\x00op:+44 20 7946 0003\r\nEND:VCARD\r\n")
    html = imported(ada, "hostile.vcf", body)
    assert "Skipped a line that is no property: “badline”." in html
    assert "Kept Renée as family (other, “paté”)." in html
    with app.app_context():
        hostile = person("Hostile")
        assert family(hostile) == [("other", "Renée")]
        assert methods(hostile, "phone") == [("Shop", "+44 20 7946 0003")]


def test_a_card_the_reader_trips_over_costs_that_card_only(app, ada, monkeypatch):
    """Should a card still trip the reader (a case nobody foresaw), that card is a row with a problem and the others
    import."""
    from journal import vcards

    def trip(reading):
        """Fail on one card, as an unforeseen case would."""
        if reading.row.fields["name"] == "Trip Wire":
            raise RuntimeError("unforeseen")

    monkeypatch.setattr(vcards, "_phones", trip)
    body = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Trip Wire\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fine Card\r\nEND:VCARD\r\n")
    preview = upload(ada, "trip.vcf", body)
    html = text(preview)
    assert "1 ready to import, 1 with problems" in html and "This card could not be read; it is left out." in html
    assert "Imported 1 person." in text(confirm(ada, preview))
    with app.app_context():
        assert [c.name for c in Contact.select()] == ["Fine Card"]
