"""`flask demo-data`: a user with realistic, reproducible contacts (the same seed gives the same data)."""
import datetime
import random
import uuid

import click
from flask.cli import with_appcontext

from . import clock
from .db import db
from .migrate import analyze
from .models import (Contact, ContactMethod, ContactTag, FamilyMember, Gesture, Gift, ImportantDate, Interest, Promise, Touch,
                     TouchContact, User)
from .text import fold, only_digits

FIRST = [
    "Zoë", "Łukasz", "Chloé", "José", "Ana", "Søren", "Björn", "Mia", "Noah", "Léa", "Jan", "Tom", "Priya", "Aarav",
    "Fatima", "Omar", "Ingrid", "Mateo", "Sofía", "Émile", "Hannah", "Kofi", "Amara", "Wei", "Yuki", "Hiroshi",
    "Olga", "Dmitri", "Giulia", "Marco", "Niamh", "Seán", "Ayşe", "Mehmet", "Camille", "Lucas", "Maja", "Ines",
    "Rafael", "Elena", "Grace", "Daniel", "Nora", "Jonas", "Agnieszka", "Zoltán", "Mariana", "João", "Leila", "Sami",
]
LAST = [
    "Martin", "Kowalski", "Dubois", "García", "Müller", "Nielsen", "Andersson", "Rossi", "O'Brien", "Nguyen",
    "Okafor", "Mensah", "Haddad", "Petrov", "Novák", "Schmidt", "Fernández", "Silva", "Yılmaz", "Kaur", "Sharma",
    "Chen", "Li", "Kim", "Park", "Tanaka", "Bernard", "Lefèvre", "Jansen", "de Vries", "Wiśniewski", "Żukowski",
    "Horváth", "Costa", "Moreau", "Fischer", "Brennan", "Walsh", "Ibrahim", "Svensson",
]
NON_LATIN = ["佐藤 健", "鈴木 花子", "高橋 翔", "김 민준", "이 서연", "Αλέξανδρος Παπαδόπουλος", "Анна Смирнова", "محمد العلي", "王 芳", "李 伟"]
COMPANIES = [
    "Acme Logistics", "Nordlicht GmbH", "Bâtiments Rivière", "Kowalski & Syn", "Sakura Foods", "Atlas Marine",
    "Blue Fjord Energy", "Café Olé", "Helix Pharma", "Meridian Retail", "Orbit Telecom", "Pampas Agro",
    "Quill Publishing", "Riverside Clinics", "Summit Outdoor", "Tessera Build", "Umbra Lighting", "Vela Yachts",
    "Würth & Co", "Zenith Hotels",
]
ROLES = ["Purchasing manager", "CEO", "Head of operations", "Buyer", "CFO", "Store owner", "IT director",
         "Plant manager", "Founder", "Procurement lead", "Marketing director", "Office manager"]
CITIES = ["Lyon", "Kraków", "Hamburg", "Osaka", "Porto", "Göteborg", "Dublin", "Accra", "Bologna", "Montréal",
          "São Paulo", "Izmir", "Seoul", "Nairobi", "Brno", "Aarhus"]
INTERESTS = ["sailing", "violin", "Lyon FC", "chess", "marathons", "jazz", "gardening", "wine", "photography",
             "cycling", "cooking", "skiing", "golf", "birdwatching", "piano", "football", "yoga", "climbing",
             "vintage cars", "poetry", "board games", "tennis", "fishing", "baking", "opera", "karate"]
TAGS = ["key account", "new customer", "trade fair 2026", "referral", "VIP", "reseller", "at risk", "partner"]
HOW_WE_MET = ["Trade fair in Hannover", "Referred by a colleague", "Cold call that went well", "LinkedIn message",
              "Their old supplier went bust", "Met at a friend's wedding", "Conference dinner"]
GOALS = ["Open a second warehouse next year", "Cut delivery times in half", "Grow exports to Asia",
         "Hand the business to their daughter", "Win the regional quality award"]
CHALLENGES = ["Staff shortages in the summer", "A new competitor undercutting prices", "Slow payments from clients",
              "Moving to a new ERP system", "Rising energy costs"]
HELP = ["Introduce them to our logistics partner", "Send benchmarks from similar customers",
        "Offer a pilot before the budget round", "Train their new team"]
IDEAS = ["Bundle orders quarterly to save freight", "Try the new recyclable packaging", "Join the buyers' club"]
IMPORTANT = ["Being asked for their opinion", "Remembering their family", "A handwritten thank-you note",
             "Public credit in front of their boss"]
CHILD_NAMES = ["Léa", "Hugo", "Emma", "Oskar", "Maja", "Noé", "Aiko", "Kenji", "Lina", "Mateo", "Zofia", "Elif",
               "Finn", "Chiara", "Amélie", "Théo"]
PARTNER_NAMES = ["Anne", "Pierre", "Katarzyna", "Henrik", "Sara", "Yusuf", "Marta", "Daniel", "Claire", "Mei"]
PARENT_NAMES = ["Margarethe", "Józef", "Françoise", "Giorgio", "Helga", "Bernard"]
KIND_WEIGHTS = [("visit", 30), ("call", 25), ("email", 15), ("message", 12), ("meeting", 10), ("gesture", 4), ("purchase", 4)]
NOTES = [
    "Talked about the new warehouse; they want a quote before the board meeting.",
    "Daughter has exams next month, a bit stressed. Asked about our delivery times.",
    "Happy with the last order. Mentioned the trade fair in March.",
    "Complained about a late shipment: follow up with logistics.",
    "Coffee at their office. They are hiring two new buyers.",
    "Quick call to confirm the order. Their son starts university in the autumn.",
    "Sent the brochure they asked for. They are comparing three suppliers.",
    "Lunch together; talked sailing more than business. Budget is tight this quarter.",
    "They liked the sample. Want to see the recyclable packaging.",
    "Birthday wishes sent; they replied with photos from the holiday.",
]
GIFTS = ["chess set", "book on sailing", "bottle of Bordeaux", "concert tickets", "violin strings", "football shirt",
         "box of chocolates", "cookbook", "board game", "photo album", "tea sampler", "cycling gloves", "scarf"]
GESTURES = ["Send the article about warehouse automation", "Introduce them to a possible client",
            "Handwritten card for the team's anniversary", "Share benchmarks from similar companies",
            "Invite them to the customer breakfast", "Recommend them on LinkedIn"]
PROMISES = ["send the brochure", "introduce them to our logistics partner", "check the delivery date",
            "send the price list", "book a visit to the plant", "share the case study", "call back with the quote"]


def _birthday(rng, today, min_age, max_age):
    """A random birthday: a full date, a day and month, or an approximate year."""
    age = rng.randint(min_age, max_age)
    year = today.year - age
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    form = rng.random()
    if form < 0.6:
        return {"year": year, "month": month, "day": day, "year_approximate": False}
    if form < 0.85:
        return {"year": None, "month": month, "day": day, "year_approximate": False}
    return {"year": year, "month": None, "day": None, "year_approximate": True}


def generate(rng, count, today):
    """Build `count` people as plain dicts (no database access)."""
    people = []
    for i in range(count):
        name = rng.choice(NON_LATIN) if rng.random() < 0.08 else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        first = name.split()[0].lower()
        company = rng.choice(COMPANIES)
        person = {
            "contact": {
                "name": name, "company": company, "role": rng.choice(ROLES), "city": rng.choice(CITIES),
                "how_we_met": rng.choice(HOW_WE_MET), "cadence_days": rng.choice([None, 14, 30, 30, 60, 90]),
                "goals": rng.choice(GOALS), "challenges": rng.choice(CHALLENGES),
                "how_to_help": rng.choice(HELP) if rng.random() < 0.7 else "",
                "ideas_to_give": rng.choice(IDEAS) if rng.random() < 0.5 else "",
                "feel_important": rng.choice(IMPORTANT) if rng.random() < 0.6 else "",
            },
            "phones": [("mobile", f"+{rng.choice([33, 48, 49, 44, 81])} {rng.randint(600, 799)} {rng.randint(100, 999)} {rng.randint(100, 999)}")],
            "emails": [("work", f"{fold(first).replace(' ', '') or 'contact'}{i}@{fold(company).split()[0]}.example")],
            "tags": rng.sample(TAGS, rng.randint(0, 2)),
            "interests": rng.sample(INTERESTS, rng.randint(1, 3)),
            "dates": [],
            "family": [],
        }
        if rng.random() < 0.5:
            person["dates"].append({"kind": "birthday", "label": "", **_birthday(rng, today, 28, 65)})
            if person["dates"][-1]["month"] is None:
                person["dates"].pop()
        if rng.random() < 0.3:
            person["dates"].append({"kind": "custom", "label": "Company founded", "year": rng.randint(1950, 2020),
                                    "month": rng.randint(1, 12), "day": rng.randint(1, 28), "year_approximate": False})
        if rng.random() < 0.6:
            person["family"].append({"relation": "partner", "name": rng.choice(PARTNER_NAMES),
                                     "birthday": _birthday(rng, today, 28, 65), "interests": rng.sample(INTERESTS, rng.randint(0, 2))})
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            person["family"].append({"relation": "child", "name": rng.choice(CHILD_NAMES),
                                     "birthday": _birthday(rng, today, 1, 25), "interests": rng.sample(INTERESTS, rng.randint(1, 2))})
        if rng.random() < 0.15:
            person["family"].append({"relation": "parent", "name": rng.choice(PARENT_NAMES),
                                     "birthday": _birthday(rng, today, 60, 90), "interests": []})
        person["touches"], person["promises"] = _touches(rng, today, i)
        person["gifts"], person["gestures"] = _gifts(rng, today, len(person["family"]))
        if rng.random() < 0.2:
            person["contact"]["gift_budget"] = rng.choice([100, 150, 250])
        people.append(person)
    return people


def _gifts(rng, today, family_size):
    """A few gifts (given, planned, ideas) for the contact or a family member, and gestures."""
    gifts = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        status = rng.choice(["idea", "idea", "planned", "bought", "given", "given", "given"])
        date = today - datetime.timedelta(days=rng.randint(1, 700)) if status in ("bought", "given") else None
        gifts.append({
            "member": rng.randrange(family_size) if family_size and rng.random() < 0.5 else None,
            "description": rng.choice(GIFTS), "status": status,
            "occasion": rng.choice(["birthday", "holiday", "thank_you", "milestone", "other"]),
            "price": rng.choice([None, 15, 25, 40, 60, 90]) if status != "idea" else None,
            "currency": "EUR", "date": date,
        })
    gestures = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        status = rng.choice(["planned", "planned", "done", "dropped"])
        due = today + datetime.timedelta(days=rng.randint(-20, 30))
        gestures.append({"text": rng.choice(GESTURES), "due_on": due, "status": status,
                         "outcome": "They were touched and replied the same day." if status == "done" else "",
                         "done_at": datetime.datetime.combine(due, datetime.time(16)) if status == "done" else None})
    return gifts, gestures


def _touches(rng, today, index):
    """About ten touches over two years, with pulses, give/ask flags, purchases and promises."""
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    touches, promises = [], []
    count = rng.randint(5, 15)
    days_back = sorted((rng.randint(0, 720) for _ in range(count)), reverse=True)
    for days in days_back:
        when = datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time(rng.randint(8, 18), rng.choice([0, 15, 30, 45])))
        touches.append({
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "kind": rng.choice(kinds), "happened_at": when, "note": rng.choice(NOTES),
            "pulse": rng.choice([None, None, 3, 4, 4, 5, 2]), "give_ask": rng.choice([None, "give", "give", "ask"]),
        })
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        touch = rng.randrange(len(touches))
        made = touches[touch]["happened_at"]
        due = made.date() + datetime.timedelta(days=rng.randint(2, 21))
        fate = rng.random()
        if due >= today or (fate < 0.15 and (today - due).days < 30):
            done = None  # open (and overdue when the due date has passed)
        elif fate < 0.85:
            done = datetime.datetime.combine(due - datetime.timedelta(days=rng.randint(0, 2)), datetime.time(17))
        else:
            done = datetime.datetime.combine(due + datetime.timedelta(days=rng.randint(1, 10)), datetime.time(17))
        promises.append({"touch": touch, "text": rng.choice(PROMISES), "due_on": due, "done_at": done})
    return touches, promises


def _insert(model, rows, batch=500):
    """Insert rows in batches."""
    for start in range(0, len(rows), batch):
        model.insert_many(rows[start:start + batch]).execute()


def write(user, people):
    """Replace the user's contacts with `people` (bulk inserts inside one transaction)."""
    uid = user.id
    with db.atomic():
        Contact.delete().where(Contact.user == uid).execute()
        Touch.delete().where(Touch.user == uid).execute()
        _insert(Contact, [{**p["contact"], "user": uid, "sort_name": fold(p["contact"]["name"])} for p in people])
        ids = [c.id for c in Contact.for_user(uid, Contact.id).order_by(Contact.id)]
        methods, tags, interests, dates, family = [], [], [], [], []
        for cid, p in zip(ids, people):
            for kind in ("phones", "emails"):
                methods += [{"user": uid, "contact": cid, "kind": kind[:-1], "label": label, "value": value, "position": n,
                             "digits": only_digits(value) if kind == "phones" else ""}
                            for n, (label, value) in enumerate(p[kind])]
            tags += [{"user": uid, "contact": cid, "name": t, "key": fold(t)} for t in p["tags"]]
            interests += [{"user": uid, "contact": cid, "name": t, "key": fold(t)} for t in p["interests"]]
            dates += [{"user": uid, "contact": cid, **d} for d in p["dates"]]
            family += [{"user": uid, "contact": cid, "relation": f["relation"], "name": f["name"]} for f in p["family"]]
        _insert(ContactMethod, methods)
        _insert(ContactTag, tags)
        _insert(FamilyMember, family)
        member_ids = [m.id for m in FamilyMember.for_user(uid, FamilyMember.id).order_by(FamilyMember.id)]
        flat = [(cid, f) for cid, p in zip(ids, people) for f in p["family"]]
        for mid, (cid, f) in zip(member_ids, flat):
            interests += [{"user": uid, "contact": cid, "family_member": mid, "name": t, "key": fold(t)} for t in f["interests"]]
            dates.append({"user": uid, "contact": cid, "family_member": mid, "kind": "birthday", "label": "", **f["birthday"]})
        _insert(Interest, [{"family_member": None, **row} for row in interests])
        _insert(ImportantDate, [{"family_member": None, **row} for row in dates])
        _insert(Touch, [{"user": uid, **t} for p in people for t in p["touches"]])
        touch_ids = iter(t.id for t in Touch.for_user(uid, Touch.id).order_by(Touch.id))
        links, promises = [], []
        for cid, p in zip(ids, people):
            mine = [next(touch_ids) for _ in p["touches"]]
            links += [{"user": uid, "touch": tid, "contact": cid, "happened_at": t["happened_at"]} for tid, t in zip(mine, p["touches"])]
            promises += [{"user": uid, "contact": cid, "touch": mine[pr["touch"]], "text": pr["text"], "due_on": pr["due_on"], "done_at": pr["done_at"]}
                         for pr in p["promises"]]
        _insert(TouchContact, links)
        _insert(Promise, promises)
        members = {}
        for mid, (cid, f) in zip(member_ids, flat):
            members.setdefault(cid, []).append(mid)
        gifts, gestures = [], []
        for cid, p in zip(ids, people):
            for g in p["gifts"]:
                member = members[cid][g["member"]] if g["member"] is not None else None
                gifts.append({"user": uid, "contact": cid, "family_member": member,
                              **{k: v for k, v in g.items() if k != "member"}})
            gestures += [{"user": uid, "contact": cid, **g} for g in p["gestures"]]
        _insert(Gift, gifts)
        _insert(Gesture, gestures)
        Touch.refresh_last_touch(ids)
    analyze()
    return len(ids)


@click.command("demo-data")
@click.option("--email", required=True, help="The demo account's email.")
@click.option("--password", required=True, help="Its password.")
@click.option("--contacts", default=200, show_default=True, type=click.IntRange(0, 100000), help="How many contacts.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed: the same seed gives the same data.")
@with_appcontext
def demo_data_command(email, password, contacts, seed):
    """Create (or refill) a user with realistic contacts, families, dates, touches, promises, gifts and gestures."""
    user = User.by_email(email)
    if user is None:
        user = User.register(email, password)
    else:
        user.set_password(password)
    # Dated relative to today so the journal looks alive; the same seed gives the same people and history.
    people = generate(random.Random(seed), contacts, clock.today())
    written = write(user, people)
    click.echo(f"{email}: {written} contacts (seed {seed}).")


def init_app(app):
    """Register the demo-data command."""
    app.cli.add_command(demo_data_command)
