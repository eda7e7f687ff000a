"""Import: the export's own CSV round trip, vCards from phones, previews that write nothing, duplicates.

The file is uploaded once and kept on the server; background tasks (immediate mode here) check it for the preview
and write the people once the user confirms with the job's id alone.
"""
import csv
import datetime
import io
import os
import re

import pytest
from helpers import add_contact, add_family, confirm, confirm_url, text, upload

from journal import tasks
from journal.models import Contact, ContactMethod, FamilyMember, ImportantDate, ImportRow, Interest, Job, User, utcnow

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


@pytest.fixture(autouse=True)
def jobs_dir(app, tmp_path):
    """This test's own jobs folder (where uploads wait for the confirm)."""
    app.config["JOBS_DIR"] = str(tmp_path / "jobs")
    return tmp_path / "jobs"


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
    done = confirm(carl, preview)
    assert done.status_code == 200 and "Imported 2 people." in text(done)
    before, after = contacts_csv(ada), contacts_csv(carl)
    computed = {"id", "next important date", "next date is", "last touch", "open promises"}
    assert [{k: v for k, v in r.items() if k not in computed} for r in after] == \
           [{k: v for k, v in r.items() if k not in computed} for r in before]
    assert after[0]["company"] == "'=Acme"  # still escaped on the way out, and stored as typed
    with app.app_context():
        assert Contact.get(Contact.name == "Zoë Martin", Contact.user == User.by_email("carl@example.com")).company == "=Acme"


def add_date(session, cid, kind, label="", day="", month="", year=""):
    """Add one of the contact's important dates through its form."""
    response = session.post(f"/people/{cid}/dates", data={"kind": kind, "label": label, "day": day, "month": month,
                                                          "year": year}, htmx_target="contact-dates")
    assert response.status_code == 200, text(response)


def account(app, email):
    """Everything the contacts CSV carries of an account, person by person (ids and computed values aside)."""
    with app.app_context():
        user = User.by_email(email)
        people = []
        for c in Contact.select().where(Contact.user == user).order_by(Contact.name):
            dates = ImportantDate.select().where(ImportantDate.contact == c).order_by(ImportantDate.id)
            people.append({
                "fields": [getattr(c, f) for f in ("name", "company", "role", "city", "how_we_met", "cadence_days", "goals",
                                                  "challenges", "how_to_help", "ideas_to_give", "feel_important")],
                "methods": [(m.kind, m.label, m.value) for m in ContactMethod.select()
                            .where(ContactMethod.contact == c).order_by(ContactMethod.kind, ContactMethod.position)],
                "tags": sorted(t.name for t in c.tags),
                "interests": [i.name for i in c.interests.order_by(Interest.id) if i.family_member_id is None],
                "family": [(m.relation, m.name, [(d.kind, d.year, d.month, d.day, d.year_approximate) for d in m.dates])
                           for m in FamilyMember.select().where(FamilyMember.contact == c).order_by(FamilyMember.id)],
                "dates": [(d.kind, d.label, d.year, d.month, d.day, d.year_approximate)
                          for d in dates if d.family_member_id is None],
            })
        return people


def test_csv_round_trip_keeps_every_date_family_tag_and_method(app, ada, login):
    """Export → import into a fresh account gives the same people, field by field, partial dates included."""
    zoe = add_contact(ada, name="Zoë Martin", company="=Acme", role="+1 reseller", city="-Lyon",
                      phones="mobile: +33 6 12 34 56 78\n+33 4 00 00 00 00\nwork fax: +33 4 11 11 11 11",
                      emails="work: zoe@acme.example\nzoe@home.example", tags="VIP, @trade fair, Lyon",
                      interests="sailing, =golf, Lyon FC", how_we_met="=Trade fair\nin Hannover", cadence_days="30")
    assert ada.post(f"/people/{zoe}/world", data={"goals": "-Grow exports to Asia", "challenges": "@supply chain",
                                                  "how_to_help": "Intro to =DHL", "ideas_to_give": "A newsletter",
                                                  "feel_important": "Being asked for advice"},
                    htmx_target="contact-world").status_code == 200
    add_family(ada, zoe, relation="partner", name="Marc", day="14", month="4")  # day and month, no year
    add_family(ada, zoe, name="Léa", day="3", month="12", year="2017")  # exact
    add_family(ada, zoe, name="Tom", age="9")  # an approximate year
    add_family(ada, zoe, name="Max", day="5", month="6", age="7")  # a day, an approximate year
    add_family(ada, zoe, relation="parent", name="Ann")  # no birthday
    add_family(ada, zoe, relation="sibling", name="=Eve (Evie), the eldest", year="1985")  # a year alone
    add_date(ada, zoe, "birthday", day="14", month="2", year="1980")
    add_date(ada, zoe, "anniversary", day="12", month="6", year="2010")
    add_date(ada, zoe, "anniversary", label="Wedding", day="20", month="9")
    add_date(ada, zoe, "custom", label="Company founded", day="1", month="3")
    add_date(ada, zoe, "custom", label="Birthday", day="7", month="7", year="2001")  # a label that is a kind's name
    add_date(ada, zoe, "custom", label="Anniversary of the merger: 2019", day="29", month="2")
    ken = add_contact(ada, name="佐藤 健", company="", role="", city="", phones="+81 90 1234 5678", emails="",
                      tags="", interests="", how_we_met="", cadence_days="")
    add_date(ada, ken, "custom", label="=契約更新", day="1", month="4")
    add_date(ada, ken, "birthday", day="14", month="3")
    add_family(ada, ken, name="花子", age="5")
    layla = add_contact(ada, name="ليلى حداد", phones="", emails="=private: layla@example.com", tags="-", interests="")
    add_family(ada, layla, name="Omar, Jr.", day="31", month="1", year="2015")
    add_contact(ada, name="@Pat -Smith", company="", role="", city="", phones="", emails="", tags="", interests="",
                how_we_met="", cadence_days="")
    before = account(app, "ada@example.com")
    assert [len(p["family"]) for p in before] == [0, 6, 1, 1] and len(before[1]["dates"]) == 6  # the forms took it all

    exported = ada.get("/export.csv").get_data(as_text=True)
    carl = login("carl@example.com")
    preview = upload(carl, "contacts.csv", exported)
    assert "4 ready to import" in text(preview), text(preview)
    assert "Imported 4 people." in text(confirm(carl, preview))
    after = account(app, "carl@example.com")
    for mine, theirs in zip(before, after, strict=True):
        for part in mine:
            assert theirs[part] == mine[part], (mine["fields"][0], part)


def test_vcards_several_phones_birthday_without_year_and_non_latin(app, ada):
    preview = upload(ada, "phone.vcf", VCARDS)
    html = text(preview)
    assert preview.status_code == 200 and "3 people in phone.vcf" in html
    assert "3 ready to import" in html and "with problems" not in html
    assert "Skipped the birthday “sometime”: it is not a date." in html  # the birthday is lost, not the person
    done = text(confirm(ada, preview))
    assert "Imported 3 people." in done and "left out" not in done
    with app.app_context():
        ken = Contact.get(Contact.name == "佐藤 健")
        assert (ken.company, ken.role) == ("Sakura Foods", "Buyer")
        phones = [(m.label, m.value) for m in ContactMethod.select().where(ContactMethod.contact == ken, ContactMethod.kind == "phone")]
        assert phones == [("mobile", "+81 90 1234 5678"), ("work", "+81 3 1234 5678")]
        bday = ImportantDate.get(ImportantDate.contact == ken)
        assert (bday.year, bday.month, bday.day) == (None, 3, 14)
        zoe = Contact.get(Contact.name == "Zoë Martin")
        assert ImportantDate.get(ImportantDate.contact == zoe).year == 1980
        broken = Contact.get(Contact.name == "Broken Birthday")
        assert ImportantDate.select().where(ImportantDate.contact == broken).count() == 0


def test_duplicates_are_flagged_and_left_out(app, ada):
    add_contact(ada, name="Zoë Martin", emails="zoe@acme.example", phones="")
    preview = upload(ada, "phone.vcf", VCARDS)
    assert "Looks like Zoë Martin" in text(preview) and "1 that look like people you already have" in text(preview)
    assert "Imported 2 people." in text(confirm(ada, preview))
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
    """Every column's length is checked in the preview (PostgreSQL refuses longer values; SQLite kept them), and
    phones get the contact form's check (at most 30 characters). A vCard's value is cut or skipped with a note, and
    its person kept; a CSV row with one is left out."""
    vcard = ("BEGIN:VCARD\nVERSION:3.0\nFN:Long Title\nTITLE:" + "R" * 201 + "\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nFN:Long Label\nTEL;TYPE=" + "L" * 41 + ":+33 6 12 34 56 78\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nFN:Many Digits\nTEL:+" + "1" * 60 + "\nEND:VCARD\n")
    preview = upload(ada, "long.vcf", vcard)
    html = text(preview)
    assert preview.status_code == 200 and "3 ready to import" in html and "with problems" not in html
    assert "Cut the role to 200 characters." in html and "to 40 characters" in html
    assert "does not look like a phone number" in html
    assert "Imported 3 people." in text(confirm(ada, preview))
    with app.app_context():
        assert Contact.get(Contact.name == "Long Title").role == "R" * 200
        assert ContactMethod.get(ContactMethod.value == "+33 6 12 34 56 78").label == "L" * 40
        assert not ContactMethod.select().join(Contact).where(Contact.name == "Many Digits").exists()
        Contact.delete().execute()
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
    assert "keep each item under 60 characters" in html and "longer than 200 characters" in html
    assert "Imported 1 person." in text(confirm(ada, preview))
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Fine"]


def test_an_age_no_one_has_is_a_problem_not_an_error(app, ada):
    """'Léa (child, 99999999999999999999)' is shown as a problem in the preview, not a server error. Files from before
    the "dates" column gave ages: still read, as approximate birth years."""
    rows = ('name,family\nTom,"Léa (child, 99999999999999999999)"\n'
            'Anna,"Marc (spouse / partner), Max (child, 9), Tim (child, about 12)"\n')
    preview = upload(ada, "ages.csv", rows)
    html = text(preview)
    assert preview.status_code == 200 and "1 ready to import, 1 with problems" in html, html
    assert "is not an age between 0 and 120 (Léa)" in html
    assert "Imported 1 person." in text(confirm(ada, preview))
    year = datetime.date.today().year
    with app.app_context():
        assert sorted(c.name for c in Contact.select()) == ["Anna"]
        family = [(m.relation, m.name, [(d.year, d.month, d.day, d.year_approximate) for d in m.dates])
                  for m in FamilyMember.select().order_by(FamilyMember.id)]
    assert family == [("partner", "Marc", []), ("child", "Max", [(year - 9, None, None, True)]),
                      ("child", "Tim", [(year - 12, None, None, True)])]


def test_csv_dates_that_do_not_exist_are_row_problems(app, ada):
    """Every date read back goes through the forms' one check: an impossible or unreadable date leaves its row out."""
    rows = ("name,family,dates\n"
            'Feb Thirty,"Léa (child, born 2017-02-30)",\n'
            'Leap Less,,"anniversary 2023-02-29"\n'
            'Month Thirteen,,"birthday --13-01"\n'
            'Half Date,"Tom (child, born 2017-12)",\n'
            'No What,,"2010-06-12"\n'
            'Two Birthdays,,"birthday --03-01\nbirthday --04-01"\n'
            'Daughter,"Eva (daughter)",\n'
            'Fine,"Léa (child, born 2016-02-29)","other date: Birthday 2001-07-07\nanniversary --02-29"\n')
    preview = upload(ada, "dates.csv", rows)
    html = text(preview)
    assert "1 ready to import, 7 with problems" in html, html
    for message in ("February 2017 has only 28 days. (Léa)", "February 2023 has only 28 days. (anniversary)",
                    "Choose a month. (birthday)", "“2017-12” is not a date such as 2017-12-03", "“2010-06-12” in dates is not",
                    "Two birthdays", "“daughter” is not a relation"):
        assert message in html, message
    assert "Imported 1 person." in text(confirm(ada, preview))
    with app.app_context():
        assert [c.name for c in Contact.select()] == ["Fine"]
        assert sorted((d.kind, d.label, d.year, d.month, d.day) for d in ImportantDate.select()) == [
            ("anniversary", "", None, 2, 29), ("birthday", "", 2016, 2, 29), ("custom", "Birthday", 2001, 7, 7)]


def test_the_confirm_carries_only_the_job_and_a_20_mb_file_imports(app, ada, jobs_dir):
    """The upload waits on the server: the preview holds no copy of it, and a 20 MB file (too big to post back as
    base64 under the upload limit) is confirmed and written."""
    goals = "Grow the warehouse in Lyon; " * 1800  # about 50 KB a person
    body = "name,goals\n" + "".join(f"Person {i},{goals}\n" for i in range(400))
    assert len(body.encode()) > 20_000_000
    preview = upload(ada, "big.csv", body)
    assert preview.status_code == 200 and "400 people in big.csv" in text(preview)
    assert len(preview.data) < 100_000  # rows, not the file
    form = re.search(r'<form method="post" action="/import/jobs/\d+/confirm">(.*?)</form>', text(preview), re.S).group(1)
    assert re.findall(r'name="(\w+)"', form) == ["csrf_token"]
    assert len(os.listdir(jobs_dir)) == 1  # the upload, waiting
    done = confirm(ada, preview)
    assert done.status_code == 200 and "Imported 400 people." in text(done)
    with app.app_context():
        assert Contact.select().count() == 400
        assert Contact.get(Contact.name == "Person 399").goals == goals.strip()
    assert os.listdir(jobs_dir) == []  # the upload is gone once written


def test_a_second_confirm_writes_nothing(app, ada):
    """A double tap on Import (or the form sent again) creates the people once."""
    preview = upload(ada, "phone.vcf", VCARDS)
    assert "Imported 3 people." in text(confirm(ada, preview))
    again = confirm(ada, preview)
    assert again.status_code == 200 and "Imported 3 people." in text(again)
    with app.app_context():
        assert Contact.select().count() == 3


def test_another_users_import_is_404(app, ada, bob):
    """Bob cannot see Ada's preview or confirm it, even with the job id; nothing is written."""
    preview = upload(ada, "phone.vcf", VCARDS)
    url = confirm_url(preview)
    job_page = url.rsplit("/", 1)[0]
    assert bob.get(job_page).status_code == 404
    assert bob.post(url, data={"skip_duplicates": "1"}).status_code == 404
    assert ada.client.post(url).status_code == 400  # no CSRF token
    with app.app_context():
        assert Contact.select().count() == 0
        export = Job.create(user=ada.user.id, kind="export", format="xlsx", status="done").id
    assert ada.get(f"/import/jobs/{export}").status_code == 404  # an export is not an import
    assert ada.get("/import/jobs/nope").status_code == 404
    assert ada.get(job_page).status_code == 200


def test_the_preview_lists_the_rows_a_page_at_a_time(ada):
    """A long file's preview shows 100 rows, then "Show more" brings the next ones in their place."""
    body = "name,emails\n" + "".join(f"Person {i:03},p{i}@example.com\n" for i in range(250))
    preview = upload(ada, "many.csv", body)
    html = text(preview)
    assert "250 people in many.csv" in html and "250 ready to import" in html
    assert "Person 099" in html and "Person 100" not in html
    more = re.search(r'hx-get="(/import/jobs/\d+\?page=2)"', html).group(1)
    page = ada.hx(more, "more-rows")
    rows = text(page)
    assert "<html" not in rows and "Person 100" in rows and "Person 199" in rows and "Person 200" not in rows
    assert "page=3" in rows


def test_progress_is_shown_while_the_file_is_read_and_written(app, ada):
    """While a consumer reads or writes, the page says how far it is and polls (or reloads itself without JavaScript)."""
    with app.app_context():
        reading = Job.create(user=ada.user.id, kind="import", step="check", format="csv", filename="team.csv",
                             status="running", done=200, total=800).id
        writing = Job.create(user=ada.user.id, kind="import", step="write", format="csv", filename="team.csv",
                             status="running", done=400, total=800).id
    html = text(ada.get(f"/import/jobs/{reading}"))
    assert "Reading team.csv…" in html and "200 of 800 rows checked" in html and 'value="25"' in html
    assert f'<noscript><meta http-equiv="refresh" content="2; url=/import/jobs/{reading}"></noscript>' in html
    fragment = text(ada.hx(f"/import/jobs/{writing}", "import-job"))
    assert "<html" not in fragment and "Importing…" in fragment and "400 of 800 rows" in fragment
    assert f'hx-get="/import/jobs/{writing}"' in fragment


def test_an_import_whose_consumer_died_says_so(app, ada):
    """A check that stopped changing (no consumer runs it any more) offers the form again, with why."""
    with app.app_context():
        job_id = Job.create(user=ada.user.id, kind="import", step="check", format="csv", filename="team.csv",
                            status="running", updated_at=utcnow() - Job.STALE["running"] - datetime.timedelta(seconds=5)).id
    response = ada.hx(f"/import/jobs/{job_id}", "import-job")
    assert response.status_code == 422 and "stopped before the end" in text(response)
    assert 'name="file"' in text(response) and "hx-get" not in text(response)


def test_a_write_that_fails_says_nothing_was_imported(app, ada, jobs_dir):
    """If the kept file is gone by the confirm (another host's folder, say), the page says nothing was imported."""
    preview = upload(ada, "phone.vcf", VCARDS)
    for name in os.listdir(jobs_dir):
        os.remove(jobs_dir / name)
    done = confirm(ada, preview)
    assert done.status_code == 200 and "Nothing was imported" in text(done)
    with app.app_context():
        assert Contact.select().count() == 0


def test_old_imports_are_swept_with_their_rows_and_file(app, ada, jobs_dir):
    """The periodic sweep (its function, called directly) removes an import left unconfirmed for an hour."""
    preview = upload(ada, "phone.vcf", VCARDS)
    with app.app_context():
        assert ImportRow.select().count() == 3
        Job.update(updated_at=utcnow() - Job.KEEP - datetime.timedelta(minutes=1)).execute()
        tasks.remove_expired()
        assert Job.select().count() == 0 and ImportRow.select().count() == 0
    assert os.listdir(jobs_dir) == []
    assert ada.post(confirm_url(preview), data={"skip_duplicates": "1"}).status_code == 404


def test_the_old_two_step_form_fields_are_refused_with_a_message(ada):
    """`confirm=1&payload=YQ` (the old preview's base64 round trip, bad base64) is a missing file now: 422, no 500."""
    response = ada.post("/import", data={"confirm": "1", "payload": "YQ"})
    assert response.status_code == 422
    assert "Choose a .csv or .vcf file." in response.get_data(as_text=True)


def test_impossible_birthdays_are_skipped_and_apples_no_year_is_no_year(app, ada):
    """A birthday that does not exist costs the birthday, with a note, never the person."""
    cards = ("BEGIN:VCARD\nVERSION:3.0\nFN:Feb Thirty-One\nBDAY:1990-02-31\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nFN:Leap Less\nBDAY:2023-02-29\nEND:VCARD\n"
             "BEGIN:VCARD\nVERSION:3.0\nFN:No Year\nBDAY:1604-03-14\nEND:VCARD\n")
    preview = upload(ada, "phone.vcf", cards)
    html = text(preview)
    assert "3 ready to import" in html and "with problems" not in html
    assert "Skipped the birthday “1990-02-31”: February 1990 has only 28 days." in html
    assert "February 2023 has only 28 days" in html
    assert "Imported 3 people." in text(confirm(ada, preview))
    with app.app_context():
        bday = ImportantDate.get()
        assert (bday.contact.name, bday.year, bday.month, bday.day) == ("No Year", None, 3, 14)


def test_csv_rows_get_the_forms_checks(app, ada):
    tags = ", ".join(f"tag {n}" for n in range(31))
    body = ("name,phones,emails,tags\n"
            "Phoney,call me maybe 123,,\n"
            "Bcc,,a@example.com?bcc=b@example.com,\n"
            f'Tagged,,,"{tags}"\n'
            "Fine,+33 1 23 45 67 89,fine@example.com,VIP\n")
    preview = upload(ada, "people.csv", body)
    html = text(preview)
    assert "1 ready to import, 3 with problems" in html
    assert "does not look like a phone number" in html and "is not a valid email address" in html
    assert "Keep it to 30 items" in html
    assert "Imported 1 person." in text(confirm(ada, preview))
    with app.app_context():
        assert [c.name for c in Contact.select()] == ["Fine"]


def test_the_csv_import_reads_the_alternative_name_and_files_without_that_column(app, ada):
    both = ("name,alternative name,company\n"
            "Yamada Taro,山田太郎,Sakura Foods\n"
            f"Too Long,{'山' * 201},\n")
    preview = upload(ada, "contacts.csv", both)
    assert "2 people in contacts.csv" in text(preview) and "longer than 200 characters" in text(preview)
    assert "Imported 1 person." in text(confirm(ada, preview))
    older = upload(ada, "older.csv", "name,company\nTom Walsh,Walsh & Co\n")  # an export from before the column
    assert "Imported 1 person." in text(confirm(ada, older))
    with app.app_context():
        assert {c.name: c.alt_name for c in Contact.select()} == {"Yamada Taro": "山田太郎", "Tom Walsh": ""}
