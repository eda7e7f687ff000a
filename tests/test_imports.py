"""Import: the export's own CSV round trip, vCards from phones, previews that write nothing, duplicates."""
import csv
import io

from helpers import add_contact, add_family, text

from journal.models import Contact, ContactMethod, FamilyMember, ImportantDate, User

VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:佐藤 健
N:佐藤;健;;;
TEL;TYPE=CELL:+81 90 1234 5678
TEL;TYPE=WORK,VOICE:+81 3 1234 5678
EMAIL;TYPE=INTERNET:ken@example.jp
ORG:Sakura Foods;Sales
TITLE:Buyer
BDAY:--0314
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Zoë Martin
TEL;TYPE=cell;VALUE=uri:tel:+33-6-12-34-56-78
EMAIL:zoe@acme.example
BDAY:19800214
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Broken Birthday
BDAY:sometime
END:VCARD
"""


def upload(session, name, body):
    return session.post("/import", data={"file": (io.BytesIO(body.encode("utf-8")), name)}, content_type="multipart/form-data")


def confirm(session, preview, skip_duplicates=True):
    html = text(preview)
    payload = html.split('name="payload" value="')[1].split('"')[0]
    filename = html.split('name="filename" value="')[1].split('"')[0]
    data = {"confirm": "1", "payload": payload, "filename": filename}
    if skip_duplicates:
        data["skip_duplicates"] = "1"
    return session.post("/import", data=data)


def contacts_csv(session):
    body = session.get("/export.csv").get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_round_trip_into_an_empty_account(app, ada, login):
    zoe = add_contact(ada, name="Zoë Martin", company="=Acme", tags="VIP, Lyon", interests="sailing, golf",
                      how_we_met="Trade fair", cadence_days="30")
    add_family(ada, zoe, relation="partner", name="Marc")
    add_family(ada, zoe, name="Léa", age="9")
    add_contact(ada, name="佐藤 健", phones="+81 90 1234 5678", emails="", tags="", interests="")
    exported = ada.get("/export.csv").get_data(as_text=True)
    carl = login("carl@example.com")
    preview = upload(carl, "contacts.csv", exported)
    assert preview.status_code == 200 and "2 people in contacts.csv" in text(preview)
    with app.app_context():
        assert Contact.for_user(User.by_email("carl@example.com")).count() == 0  # the preview writes nothing
    assert confirm(carl, preview).status_code == 302
    before, after = contacts_csv(ada), contacts_csv(carl)
    computed = {"id", "next important date", "next date is", "last touch", "open promises"}
    assert [{k: v for k, v in r.items() if k not in computed} for r in after] == \
           [{k: v for k, v in r.items() if k not in computed} for r in before]
    assert after[0]["company"] == "'=Acme"  # still escaped on the way out, and stored as typed
    with app.app_context():
        assert Contact.get(Contact.name == "Zoë Martin", Contact.user == User.by_email("carl@example.com")).company == "=Acme"


def test_vcards_several_phones_birthday_without_year_and_non_latin(app, ada):
    preview = upload(ada, "phone.vcf", VCARDS)
    html = text(preview)
    assert preview.status_code == 200 and "3 people in phone.vcf" in html
    assert "2 ready to import, 1 with problems" in html and "is not a date" in html
    assert confirm(ada, preview).status_code == 302
    with app.app_context():
        ken = Contact.get(Contact.name == "佐藤 健")
        assert (ken.company, ken.role) == ("Sakura Foods", "Buyer")
        phones = [(m.label, m.value) for m in ContactMethod.select().where(ContactMethod.contact == ken, ContactMethod.kind == "phone")]
        assert phones == [("mobile", "+81 90 1234 5678"), ("work", "+81 3 1234 5678")]
        bday = ImportantDate.get(ImportantDate.contact == ken)
        assert (bday.year, bday.month, bday.day) == (None, 3, 14)
        zoe = Contact.get(Contact.name == "Zoë Martin")
        assert ImportantDate.get(ImportantDate.contact == zoe).year == 1980
        assert Contact.select().where(Contact.name == "Broken Birthday").count() == 0


def test_duplicates_are_flagged_and_left_out(app, ada):
    add_contact(ada, name="Zoë Martin", emails="zoe@acme.example", phones="")
    preview = upload(ada, "phone.vcf", VCARDS)
    assert "Looks like Zoë Martin" in text(preview) and "1 that look like people you already have" in text(preview)
    confirm(ada, preview)
    with app.app_context():
        assert Contact.select().where(Contact.name == "Zoë Martin").count() == 1
        assert Contact.select().where(Contact.name == "佐藤 健").count() == 1


def test_bad_files_write_nothing(app, ada):
    for name, body, message in [
        ("x.csv", "just,some,columns\n1,2,3\n", "no “name” column"),
        ("x.csv", "name,favourite colour\nZoë,blue\n", "Unknown column"),
        ("x.vcf", "BEGIN:VCARD\nthis is not right", "could not be read"),
        ("x.csv", "", "empty"),
    ]:
        response = upload(ada, name, body)
        assert response.status_code == 422 and message in text(response), message
    bad_bytes = ada.post("/import", data={"file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.csv")}, content_type="multipart/form-data")
    assert bad_bytes.status_code == 422 and "not UTF-8" in text(bad_bytes)
    with app.app_context():
        assert Contact.select().count() == 0 and FamilyMember.select().count() == 0


def test_values_longer_than_their_columns_are_problems_not_errors(app, ada):
    """Every column's length is checked in the preview (PostgreSQL refuses longer values; SQLite kept them)."""
    vcard = ("BEGIN:VCARD\nVERSION:3.0\nFN:Long Title\nTITLE:" + "R" * 201 + "\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nFN:Long Label\nTEL;TYPE=" + "L" * 41 + ":+33 6 12 34 56 78\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nFN:Many Digits\nTEL:+" + "1" * 60 + "\nEND:VCARD\n")
    preview = upload(ada, "long.vcf", vcard)
    html = text(preview)
    assert preview.status_code == 200 and "1 ready to import, 2 with problems" in html
    assert "The role is longer than 200 characters." in html and "longer than 40 characters" in html
    rows = "name,company,tags,family\n" + "\n".join([
        "Long Company," + "C" * 201 + ",,",
        "Long Tag,Acme," + "t" * 61 + ",",
        "Long Relative,Acme,,\"" + "N" * 201 + " (child)\"",
        "Fine,Acme,ß" + "ß" * 59 + ",",
    ]) + "\n"
    preview = upload(ada, "long.csv", rows)
    html = text(preview)
    assert preview.status_code == 200 and "1 ready to import, 3 with problems" in html, html
    assert "The company is longer than 200 characters." in html
    assert "longer than 60 characters" in html and "longer than 200 characters" in html
    assert confirm(ada, preview).status_code == 302
    assert confirm(ada, upload(ada, "long.vcf", vcard)).status_code == 302
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Fine", "Many Digits"]
        assert ContactMethod.get(ContactMethod.value == "+" + "1" * 60).digits == "1" * 40


def test_an_age_no_one_has_is_a_problem_not_an_error(app, ada):
    """'Léa (child, 99999999999999999999)' is shown as a problem in the preview, not a server error."""
    rows = 'name,family\nTom,"Léa (child, 99999999999999999999)"\nAnna,"Max (child, 9)"\n'
    preview = upload(ada, "ages.csv", rows)
    html = text(preview)
    assert preview.status_code == 200 and "1 ready to import, 1 with problems" in html, html
    assert "is not an age between 0 and 120 (Léa)" in html
    assert confirm(ada, preview).status_code == 302
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Anna"]
