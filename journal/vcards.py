"""People read from vCard files: each card (read by journal/vcard_lines.py) becomes one import row, keeping what Rapport
has a place for and saying in the preview, card by card, what was kept and what was skipped, and why.

A broken property costs that property only: an email or phone that fails the forms' check, a birthday that is no
date, a photo (Rapport keeps none) are skipped with a note, and the person is kept.
"""
import logging
import re
import unicodedata

from . import checks, import_rows, vcard_lines
from .dates import FIRST_YEAR, DateProblem, PartialDate, partial_date
from .models import RELATIONS, Contact, ContactMethod, FamilyMember, ImportantDate, too_long
from .text import fold, only_digits
from .touch_forms import NOTE_MAX

log = logging.getLogger(__name__)

NO_YEAR = 1604  # the year Apple (X-APPLE-OMIT-YEAR) and CardBook write for a date whose year is unknown
PLACEHOLDER = PartialDate(1900, 1, 1)  # what some address books write for "no birthday"
MAX_NOTE = NOTE_MAX  # the touch form's limit, so the imported note can be edited as any other
MAX_NOTES = 30  # lines of the preview about one card (a damaged card could have thousands)
APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
RELATION_WORDS = {
    "partner": {"spouse", "partner", "domestic partner", "wife", "husband", "girlfriend", "boyfriend", "sweetheart"},
    "child": {"child", "son", "daughter", "kid"},
    "parent": {"parent", "mother", "father", "mom", "mum", "dad"},
    "sibling": {"sibling", "brother", "sister"},
}
RELATION_OF = {word: key for key, words in RELATION_WORDS.items() for word in words}
COLLEAGUES = {"manager", "assistant", "co-worker", "coworker", "colleague", "boss", "secretary", "agent"}
RELATION_LABELS = dict(RELATIONS)
# Android's relation and event types (ContactsContract.CommonDataKinds.Relation and Event), by number.
ANDROID_RELATIONS = {"1": "assistant", "2": "brother", "3": "child", "4": "domestic partner", "5": "father",
                     "6": "friend", "7": "manager", "8": "mother", "9": "parent", "10": "partner",
                     "11": "referred by", "12": "relative", "13": "sister", "14": "spouse"}
ANDROID_EVENTS = {"1": "anniversary", "2": "other", "3": "birthday"}
PHONE_TYPES = [("cell", "mobile"), ("mobile", "mobile"), ("iphone", "iPhone"), ("main", "main"), ("work", "work"),
               ("home", "home"), ("pager", "pager"), ("car", "car"), ("text", "text"), ("video", "video"),
               ("isdn", "ISDN"), ("other", "other")]
ANNIVERSARIES = ("ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-MS-ANNIVERSARY",
                 "X-KADDRESSBOOK-X-ANNIVERSARY")
SPOUSES = ("X-SPOUSE", "X-EVOLUTION-SPOUSE", "X-MS-SPOUSE", "X-KADDRESSBOOK-X-SPOUSENAME")
MANAGERS = ("X-MANAGER", "X-EVOLUTION-MANAGER", "X-MS-MANAGER", "X-KADDRESSBOOK-X-MANAGERSNAME")
ASSISTANTS = ("X-ASSISTANT", "X-EVOLUTION-ASSISTANT", "X-MS-ASSISTANT", "X-KADDRESSBOOK-X-ASSISTANTSNAME")
# Read elsewhere in this module, or bookkeeping of the writing address book that says nothing about the person.
READ = {"VERSION", "FN", "N", "NICKNAME", "ORG", "TITLE", "ROLE", "TEL", "EMAIL", "BDAY", "ADR", "NOTE", "URL",
        "CATEGORIES", "RELATED", "X-ABRELATEDNAMES", "X-ABDATE", "X-ABLABEL", "X-ANDROID-CUSTOM", "KIND",
        "X-ADDRESSBOOKSERVER-KIND", "INTEREST", "HOBBY", *ANNIVERSARIES, *SPOUSES, *MANAGERS, *ASSISTANTS}
BOOKKEEPING = {"PRODID", "UID", "REV", "X-ABUID", "X-ABSHOWAS", "X-ABADR", "SORT-STRING", "CLASS", "SOURCE", "NAME",
               "MAILER", "PROFILE", "X-EVOLUTION-FILE-AS", "X-MOZILLA-HTML", "X-MOZILLA-PROPERTY", "CLIENTPIDMAP",
               "X-ADDRESSBOOKSERVER-MEMBER", "MEMBER", "X-IMAGETYPE", "X-IMAGEHASH", "X-SHARED-PHOTO-DISPLAY-PREF",
               "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MS-OL-DESIGN", "X-MS-IMADDRESS", "X-ABCROP-RECTANGLE",
               "X-EVOLUTION-E164", "X-EVOLUTION-UI-SLOT", "AGENT", "LABEL", "TZ", "X-PHONETIC-FIRST-NAME",
               "X-PHONETIC-LAST-NAME", "X-PHONETIC-MIDDLE-NAME", "X-PHONETIC-ORG", "X-WAB-GENDER"}
GOOGLE_GROUPS = {"mycontacts", "starred"}  # Google's own groups, on every card it exports
SHOWN = {"IMPP": "instant messaging", "X-SOCIALPROFILE": "social profiles", "GEO": "map position",
         "GENDER": "gender", "LANG": "language", "X-AIM": "AIM", "X-JABBER": "Jabber", "X-SKYPE": "Skype",
         "X-SKYPE-USERNAME": "Skype", "X-ICQ": "ICQ", "X-MSN": "MSN", "X-YAHOO": "Yahoo", "X-QQ": "QQ",
         "X-GADUGADU": "Gadu-Gadu", "X-TWITTER": "Twitter", "EXPERTISE": "expertise", "ORG-DIRECTORY": "directory",
         "FBURL": "free/busy link", "CALURI": "calendar link", "CALADRURI": "calendar link"}


def read_rows(handle, filename=""):
    """The import rows of a vCard file open in binary mode, one per card (a card with no property is none)."""
    rows = []
    for card in vcard_lines.cards(handle):
        if not any(p.name != "VERSION" for p in card.properties):
            continue
        if len(rows) >= import_rows.MAX_ROWS:
            raise import_rows.ImportError_(f"A file can hold at most {import_rows.MAX_ROWS} people.")
        try:
            rows.append(card_row(card, filename))
        except Exception:  # noqa: BLE001 - a card this reader trips over costs that card, never the file
            log.exception("vCard %s of %s could not be read", card.number, filename)
            rows.append(import_rows.Row(card.number, dict.fromkeys(import_rows.CSV_FIELDS.values(), ""),
                                        errors=["This card could not be read; it is left out."]))
    if not rows:
        raise import_rows.ImportError_("This vCard file could not be read: it holds no contact card. "
                                       "Export it again from your phone's address book.")
    return rows


class _Reading:
    """One card being turned into a row: its values decoded once each, and its Apple labels by group."""

    def __init__(self, card, row):
        """Start on `card` for `row`."""
        self.card, self.row, self._texts = card, row, {}
        self.labels = {p.group: apple_label(self.text(p)) for p in card.all("X-ABLABEL") if p.group}

    def text(self, prop):
        """The property's value as text (decoded once)."""
        if id(prop) not in self._texts:
            self._texts[id(prop)] = vcard_lines.text(self.card, prop)
        return self._texts[id(prop)]

    def plain(self, prop):
        """The property's value unescaped and trimmed."""
        return vcard_lines.unescape(self.text(prop)).strip()

    def values(self, *names):
        """(property, its plain value) of the non-empty properties with these names."""
        return [(p, v) for p in self.card.all(*names) if (v := self.plain(p))]

    def note(self, text):
        """One line for the preview."""
        if text not in self.row.notes:
            self.row.notes.append(text)


def card_row(card, filename=""):
    """The import row of one card, with its notes (what was kept or skipped, and why)."""
    row = import_rows.Row(card.number, dict.fromkeys(import_rows.CSV_FIELDS.values(), ""))
    reading = _Reading(card, row)
    memo = []
    for kind in (card.all("KIND") + card.all("X-ADDRESSBOOKSERVER-KIND")):
        if reading.plain(kind).lower() == "group":
            row.errors.append("A group of people, not a person.")
    _organisation(reading)
    _names(reading, memo)
    _phones(reading)
    _emails(reading)
    _dates(reading)
    _family(reading, memo)
    _city(reading)
    _lists(reading)
    for _, value in reading.values("URL"):
        memo.append(f"Website: {value}")
    _memo(reading, memo, filename)
    _not_read(reading)
    _fit(row)
    row.notes.extend(card.notes)  # what the reading noticed (charsets, cut values, skipped lines) comes last
    if len(row.notes) > MAX_NOTES:
        row.notes[MAX_NOTES - 1:] = [f"… and {len(row.notes) - MAX_NOTES + 1} more notes like these."]
    return row


def apple_label(text):
    """Apple's label text: "_$!<Mobile>!$_" is "Mobile"; a custom label is as typed."""
    match = APPLE_LABEL.match(text.strip())
    return (match.group(1) if match else text).strip()


def _names(reading, memo):
    """The name: FN, else N, else NICKNAME, else the company, email or phone; a vCard 4 alternative (same ALTID,
    another LANGUAGE) is the row's alternative name (fields['alt_name']), never a second person."""
    row = reading.row
    names = reading.values("FN")
    built = [(p, _built_name(vcard_lines.parts(reading.text(p)))) for p in reading.card.all("N")]
    built = [(p, name) for p, name in built if name]
    for candidates in (names, built):
        if candidates:
            first, name = min(candidates, key=lambda pair: _preference(pair[0]))
            row.fields["name"] = row.fields["name"] or name
            altid = first.param("ALTID")
            others = [v for p, v in candidates if altid and p.param("ALTID") == altid
                      and set(fold(v).split()) != set(fold(row.fields["name"]).split())]
            row.fields["alt_name"] = row.fields["alt_name"] or (others[0] if others else "")
    nicknames = [v for _, v in reading.values("NICKNAME")] + _android(reading, "nickname", 1)
    if not row.fields["name"]:
        fallback = [("the nickname", n) for n in nicknames[:1]] + [("the company", row.fields["company"])] + [
            ("the email address", v) for _, v in reading.values("EMAIL")] + [
            ("the phone number", v) for _, v in reading.values("TEL")]
        for what, value in fallback:
            if value:
                row.fields["name"] = value
                reading.note(f"The card has no name: named after {what}.")
                if what == "the nickname":
                    nicknames = nicknames[1:]
                break
    if nicknames:
        memo.append("Nickname: " + ", ".join(dict.fromkeys(nicknames)))


def _preference(prop):
    """Sort key of alternatives: PREF=1 first (vCard 4), then the file's order (stable sort)."""
    pref = prop.param("PREF")
    return int(pref) if pref.isdigit() else 100


def _built_name(components):
    """N's family;given;additional;prefix;suffix as a name: given names first, or family name first without a space
    when both are written in CJK characters (佐藤健)."""
    family, given, additional = [(components + ["", "", ""])[i].replace(",", " ").strip() for i in range(3)]
    if family and given and _cjk(family + given):
        return family + given
    return " ".join(x for x in (given, additional, family) if x)


def _cjk(text):
    """True when every character is a CJK ideograph or kana (names written without spaces)."""
    return all("\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" for c in text)


def _organisation(reading):
    """ORG's first component is the company; TITLE (or ROLE) the role."""
    for prop in reading.card.all("ORG"):
        company = next((c.strip() for c in vcard_lines.parts(reading.text(prop)) if c.strip()), "")
        if company:
            reading.row.fields["company"] = company
            break
    roles = reading.values("TITLE") or reading.values("ROLE")
    if roles:
        reading.row.fields["role"] = roles[0][1]


def _phones(reading):
    """TEL with its label (Apple's X-ABLabel, or the TYPE: CELL is mobile, FAX a fax); a number that fails the
    phone check is skipped with a note."""
    seen = set()
    for prop, value in reading.values("TEL"):
        number = re.sub(r"^tel:", "", value, flags=re.I)
        number, ext = re.subn(r";ext=", " ext. ", number, flags=re.I)
        label = reading.labels.get(prop.group) or _phone_label(reading, prop)
        if prop.group in reading.labels:
            label = {"homefax": "home fax", "workfax": "work fax", "otherfax": "fax"}.get(label.lower(), label)
            label = label.lower() if label.lower() in ("mobile", "home", "work", "main", "pager", "other",
                                                       "home fax", "work fax", "fax") else label
        _add_method(reading, "phone", label, number.strip(), seen, only_digits(number))
        if "fax" in label.lower():
            reading.note(f"Kept {number.strip()} labelled “{label}”: a fax, not a number to call.")


def _phone_label(reading, prop):
    """The label of a TEL's types: cell → mobile, work, home...; a fax says so ("work fax")."""
    types, own = prop.types, prop.params.get("TYPE", [])
    label = next((name for kind, name in PHONE_TYPES if kind in types), "")
    if not label:  # a type of the writer's own is its label ("TEL;TYPE=Warehouse")
        label = next((t for t in own if t.lower() not in ("voice", "pref", "msg", "bbs", "modem", "fax") and not t.isdigit()), "")
        label = label[2:] if label.lower().startswith("x-") else label  # Android: TEL;X-Warehouse
        label = vcard_lines.param_text(reading.card, label)
    if "fax" in types:
        return f"{label} fax" if label in ("home", "work") else "fax"
    return label


def _emails(reading):
    """EMAIL with its label (home, work, Apple's label); an address that fails the email check is skipped with a
    note (Thunderbird writes contact1@invalid for a card without one)."""
    seen = set()
    for prop, value in reading.values("EMAIL"):
        address = re.sub(r"^mailto:", "", value, flags=re.I).strip()
        kinds = [t for t in prop.types if t in ("home", "work", "other")]
        label = reading.labels.get(prop.group) or (kinds[0] if kinds else "")
        label = label.lower() if label.lower() in ("home", "work", "other") else label
        _add_method(reading, "email", label, address, seen, address.lower())


def _add_method(reading, kind, label, value, seen, key):
    """Add a phone or email to the row once (repeats merged), if it passes its check and there is room; else say
    why it was skipped."""
    entries = reading.row.phones if kind == "phone" else reading.row.emails
    what = "phone number" if kind == "phone" else "email address"
    if key in seen:
        return
    seen.add(key)
    try:
        (checks.phone if kind == "phone" else checks.email)(value)
        if too_long(ContactMethod.value, value):
            raise ValueError
    except ValueError:
        why = (f"it is longer than {ContactMethod.value.max_length} characters" if too_long(ContactMethod.value, value) else
               "it does not look like a phone number" if kind == "phone" else "it is not a valid email address")
        reading.note(f"Skipped the {what} “{value[:60]}”: {why}.")
        return
    if len(entries) >= checks.MAX_METHODS:
        reading.note(f"Skipped the {what} “{value}”: a person keeps at most {checks.MAX_METHODS}.")
        return
    if too_long(ContactMethod.label, label):
        reading.note(f"Cut the label “{label[:60]}” to {ContactMethod.label.max_length} characters.")
        label = label[:ContactMethod.label.max_length]
    entries.append((label, value))


def _dates(reading):
    """BDAY is the birthday; ANNIVERSARY and its vendors' forms, and Apple's X-ABDATE labelled Anniversary, are
    anniversaries; other X-ABDATE labels (and Android's events) are dates with that label."""
    birthdays = reading.values("BDAY")
    for prop, value in birthdays[:1]:
        reading.row.birthday = _date(reading, prop, value, "birthday")
        if reading.row.birthday:
            reading.note(f"Kept the birthday: {_said(reading.row.birthday)}.")
    for prop, value in reading.values(*ANNIVERSARIES):
        _add_date(reading, "anniversary", "", prop, value)
    for prop, value in reading.values("X-ABDATE"):
        label = reading.labels.get(prop.group, "")
        if label.lower() == "anniversary":
            _add_date(reading, "anniversary", "", prop, value)
        else:
            _add_date(reading, "custom", label if label.lower() not in ("", "other") else "Other date", prop, value)
    for fields in _android_fields(reading, "contact_event"):
        kind = ANDROID_EVENTS.get(fields[1] if len(fields) > 1 else "", "custom")
        label = fields[2].strip() if kind == "custom" and len(fields) > 2 else ""
        if kind == "birthday" and reading.row.birthday is None:
            reading.row.birthday = _date(reading, None, fields[0], "birthday")
        elif kind != "birthday":
            _add_date(reading, "anniversary" if kind == "anniversary" else "custom",
                      label or ("Other date" if kind != "anniversary" else ""), None, fields[0])


def _add_date(reading, kind, label, prop, value):
    """Add an anniversary or a labelled date, once, when it reads as one."""
    when = _date(reading, prop, value, label.lower() or kind)
    if when is None:
        return
    entry = (kind, label[:ImportantDate.label.max_length], when)
    if entry not in reading.row.dates:
        reading.row.dates.append(entry)
        reading.note(f"Kept the {kind}: {_said(when)}." if not label else f"Kept the date “{label}”: {_said(when)}.")


def _date(reading, prop, value, what):
    """A vCard date as a PartialDate, or None with a note: 1980-02-14, 19800214, --0214, --02-14, a year alone; year
    1604 (or X-APPLE-OMIT-YEAR's year, or any year before 1900) means no year; 1900-01-01 is a placeholder."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})-(\d{1,2})|(\d{2})(\d{2}))?(?:T[\d:.Z+-]*)?", text) or re.fullmatch(
        r"--(\d{2})-?(\d{2})()()()", text)
    if not match:
        reading.note(f"Skipped the {what} “{text[:40]}”: it is not a date.")
        return None
    if text.startswith("--"):
        year, month, day = None, int(match.group(1)), int(match.group(2))
    else:
        year = int(match.group(1))
        month, day = (int(x) if x else None for x in (match.group(2) or match.group(4), match.group(3) or match.group(5)))
    omitted = prop.param("X-APPLE-OMIT-YEAR") if prop is not None else ""
    if year is not None and month and PartialDate(year, month, day) == PLACEHOLDER and omitted != str(year):
        reading.note(f"Skipped the {what} 1 January 1900: address books write it for “no date”.")
        return None
    if year is not None and month and (year == NO_YEAR or str(year) == omitted or year < FIRST_YEAR):
        year = None
    try:
        return partial_date(day, month, year)
    except DateProblem as problem:
        reading.note(f"Skipped the {what} “{text}”: {problem}")
        return None


def _said(when):
    """A kept date as the preview says it: "14 Mar 1980", "14 Mar (no year)"."""
    return when.label() + ("" if when.year else " (no year)")


def _family(reading, memo):
    """RELATED, Apple's X-ABRELATEDNAMES (labelled), X-SPOUSE and the like, and Android's relations become family with
    a relation; colleagues (manager, assistant) are noted on the person instead."""
    found = []
    for prop, value in reading.values("RELATED"):
        if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) and prop.param("VALUE").lower() != "text":
            reading.note(f"Skipped a link to another card ({value[:40]}): Rapport keeps names.")
            continue
        found.append((_type(reading, prop), value))
    for prop, value in reading.values("X-ABRELATEDNAMES"):
        found.append((reading.labels.get(prop.group) or _type(reading, prop), value))
    found += [("spouse", v) for _, v in reading.values(*SPOUSES)]
    found += [("manager", v) for _, v in reading.values(*MANAGERS)]
    found += [("assistant", v) for _, v in reading.values(*ASSISTANTS)]
    for fields in _android_fields(reading, "relation"):
        label = ANDROID_RELATIONS.get(fields[1] if len(fields) > 1 else "", "")
        found.append((label or (fields[2] if len(fields) > 2 else ""), fields[0]))
    names = set()
    for label, name in found:
        word = label.strip().lower()
        if fold(name) in names:
            continue
        names.add(fold(name))
        if word in COLLEAGUES:
            memo.append(f"{label.strip().capitalize()}: {name}")
            reading.note(f"Noted {name} ({word}) on the person, not as family.")
            continue
        if too_long(FamilyMember.name, name):
            reading.note(f"Skipped the family name “{name[:40]}…”: longer than {FamilyMember.name.max_length} characters.")
            continue
        relation = RELATION_OF.get(word, "other")
        reading.row.family.append((relation, name, None))
        reading.note(f"Kept {name} as family ({RELATION_LABELS[relation].lower()}"
                     + (f", “{label.strip()}”" if relation == "other" and label.strip() else "") + ").")


def _type(reading, prop):
    """A property's first TYPE but "pref", as text ("" for none)."""
    return vcard_lines.param_text(reading.card, next((t for t in prop.types if t != "pref"), ""))


def _android_fields(reading, kind):
    """The fields after the mime type of Android's X-ANDROID-CUSTOM lines of this kind (relation, contact_event,
    nickname)."""
    found = []
    for prop in reading.card.all("X-ANDROID-CUSTOM"):
        pieces = vcard_lines.parts(reading.text(prop))
        if pieces[0].strip().lower() == f"vnd.android.cursor.item/{kind}" and len(pieces) > 1 and pieces[1].strip():
            found.append([p.strip() for p in pieces[1:]])
    return found


def _android(reading, kind, position):
    """One field of Android's X-ANDROID-CUSTOM lines of a kind (position 1: the value)."""
    return [fields[position - 1] for fields in _android_fields(reading, kind) if len(fields) >= position]


def _city(reading):
    """The city (ADR's locality) of the work address, else of the first address that has one."""
    addresses = reading.card.all("ADR")
    addresses = sorted(addresses, key=lambda p: "work" not in p.types)
    for prop in addresses:
        components = vcard_lines.parts(reading.text(prop)) + [""] * 7
        city = " ".join(components[3].split())
        if city:
            reading.row.fields["city"] = city
            reading.note(f"Kept the city {city} from the address (street, postcode and country are not kept).")
            return
    if addresses:
        reading.note("Skipped the address: it names no city.")


def _lists(reading):
    """CATEGORIES are tags (Google's own groups left out); INTEREST and HOBBY (RFC 6715) are interests."""
    for attr, names in (("tags", ("CATEGORIES",)), ("interests", ("INTEREST", "HOBBY"))):
        items = getattr(reading.row, attr)
        for prop in reading.card.all(*names):
            for item in vcard_lines.parts(reading.text(prop), ","):
                item = " ".join(item.split())
                if not item or item.lower() in GOOGLE_GROUPS or fold(item) in {fold(i) for i in items}:
                    continue
                if len(item) > checks.MAX_TAG_LENGTH or len(items) >= checks.MAX_TAGS:
                    reading.note(f"Skipped the {attr[:-1]} “{item[:40]}”: at most {checks.MAX_TAGS} of under "
                                 f"{checks.MAX_TAG_LENGTH} characters each.")
                    continue
                items.append(item)
        if items:
            reading.note(f"Kept the {attr}: {', '.join(items)}.")


def _memo(reading, memo, filename):
    """NOTE, with the colleagues, nicknames and websites, becomes the text of a first touch, dated at the import."""
    text = "\n\n".join(reading.plain(p) for p in reading.card.all("NOTE") if reading.plain(p))
    if memo:
        text = (text + "\n\n" if text else "") + "\n".join(memo)
    if not text:
        return
    heading = unicodedata.normalize("NFC", f"Imported from {filename}:\n" if filename else "Imported:\n")
    if len(heading) + len(text) > MAX_NOTE:
        text = text[:MAX_NOTE - len(heading)]
        reading.note(f"Cut the note to {MAX_NOTE} characters (what a touch's note holds).")
    reading.row.memo = heading + text
    reading.note("Kept the note as a first touch, dated today.")


def _not_read(reading):
    """Say which kinds of data Rapport has no place for (photos, instant messaging...), once each."""
    skipped = []
    for prop in reading.card.properties:
        if prop.binary:
            what = "photo" if "PHOTO" in prop.name or "PICTURE" in prop.name else prop.name.lower()
            reading.note(f"Skipped the {what}: Rapport keeps no pictures or files.")
        elif prop.name not in READ and prop.name not in BOOKKEEPING and (prop.raw.strip() or prop.cut):
            shown = SHOWN.get(prop.name, prop.name)
            if shown not in skipped:
                skipped.append(shown)
    if skipped:
        reading.note(f"Not imported (Rapport has no place for them): {', '.join(skipped)}.")


def _fit(row):
    """Cut the name, company, role and city to their columns' length, saying so."""
    for attr, value in row.fields.items():
        column = getattr(Contact, attr)
        if getattr(column, "max_length", None) and too_long(column, value):
            row.fields[attr] = value[:column.max_length]
            row.notes.append(f"Cut the {attr} to {column.max_length} characters.")
