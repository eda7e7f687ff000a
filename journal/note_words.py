"""The words the smart capture reads notes by (English and German): who does something, commitments, meetings,
family relations, hobbies and gift ideas, and the small rules that pick them out of a sentence."""
import re

from .when import MONTHS

I = re.IGNORECASE
ABBREVIATIONS = frozenset("mr mrs ms dr prof st hr fr hrn ca bzw z.b u.a evtl ggf inkl vs etc approx nr no tel".split())
MONTH_WORDS = frozenset(MONTHS)

# Small patterns used below, compiled once
_WORD = re.compile(r"[\w'’]+")
_POSSESSIVE_WORD = re.compile(r"[\w]+['’]s$")
_ICH_WIR = re.compile(r"\s+(?:ich|wir)\b", I)
_HABE_VERSPROCHEN = re.compile(r"\b(?:ich habe|habe|hab)\s+(?=.*versprochen)", I)
_DOUBLE_PREPOSITION = re.compile(r"\s+(?:by|bis|until|am|on)\s+(?=(?:by|bis|until|am|on)\b)", I)
_LIST_BREAK = re.compile(r"\s*(?:,|\band\b|\bund\b|&|\bas well as\b|\bsowie\b|\bplus\b|/)\s*", I)
_DIGIT = re.compile(r"\d")
_BUT = re.compile(r"\s+(?:but|aber|because|weil|since|da)\s+|\s+[-–—]\s+", I)
_OBJECT_LEAD = re.compile(r"^\s*(?:in\s+|im\s+)?(?:a|an|the|his|her|their|ein|eine|einen)?\s*", I)
_PHRASE_END = re.compile(r"[.;:!?]")
_GIFT_PHRASE_BREAK = re.compile(r",\s*|\s+(?:and|und)\s+(?=(?:he|she|er|sie)\b)", I)
_PARENTHESES = re.compile(r"\([^)]*\)?")
_NEW_SUBJECT = re.compile(r",\s*(?=(?:he|she|they|er|sie|his|her|sein|ihr)\b)", I)
_ALTERNATIVES = re.compile(r"\s*(?:,|\bor\b|\boder\b|/)\s*", I)

# Who a clause is about

ME_WORDS = frozenset("i i'll i’ll i'm i’m i've i’ve i'd i’d we we'll we’ll we're we’re we've ich wir".split())
OTHER_WORDS = frozenset(
    "he she they he'll she'll they'll he’ll she’ll they’ll he's she's they're his her their it it's "
    "er sie es ihr sein seine ihre man customer client kunde kundin chef boss "
    "the der die das dessen deren".split()
)
# Words after a capitalised name that make it the subject: "Tom will send", "Anna schickt".
SUBJECT_VERBS = frozenset(
    "will 'll wants needs said says promised asked is was has had agreed told sends sent mentioned thinks "
    "would should could can must may might plans expects orders ordered confirmed called "
    "schickt sendet will möchte hat ist war wird soll muss kann kommt bringt meldet sagt sagte meinte "
    "bestellt liefert zahlt prüft klärt ruft schreibt".split()
)
FILLERS = frozenset("also and but then so ok okay btw plus und aber dann noch außerdem ausserdem zudem".split())
HONORIFICS = frozenset("frau herr hr fr mr mrs ms miss dr prof".split())


def _tokens(text):
    """The words of `text`, apostrophes kept."""
    return _WORD.findall(text)


def subject_of(clause):
    """'me' (I, we, ich, wir), 'other' (he, she, a name…) or None (a note without a subject: "call back Monday")."""
    tokens = _tokens(clause)
    while tokens and tokens[0].lower() in FILLERS:
        tokens = tokens[1:]
    if not tokens:
        return None
    first = tokens[0].lower()
    if first in ME_WORDS:
        return "me"
    if first in OTHER_WORDS or first in HONORIFICS:
        return "other"
    second = tokens[1].lower() if len(tokens) > 1 else ""
    if second in ("ich", "wir") and first not in ("habe", "hab", "haben"):
        return "me"  # "Morgen schicke ich …", "Schicke ich bis Freitag"
    if len(tokens) > 2 and tokens[2].lower() in ("ich", "wir"):
        return "me"  # "Am Montag rufe ich an"
    if second in ("er", "sie") and first not in COMMITMENT_WORDS:
        return "other"  # "Morgen schickt er …"
    if tokens[0][:1].isupper() and (second in SUBJECT_VERBS or second.endswith(("'ll", "’ll"))
                                    or _POSSESSIVE_WORD.match(tokens[0])):
        return "other"  # "Tom will send", "Tom's team will"
    return None


# Commitments

COMMITMENT_WORDS = frozenset("promised promise versprochen zugesagt".split())
COMMITMENT = re.compile(
    r"\b(?:i|we)\s*(?:['’]ll|will|shall|am going to|['’]m going to|are going to|['’]re going to|have to|"
    r"['’]ve got to|need to|must|should|promised|offered|agreed|can|['’]d|would(?!\s+(?:like|love|say|have|prefer)))\b"
    r"|^(?:(?:und|dann|noch|außerdem|aber)\s+)?(?:melde|schicke|sende|maile|rufe|kläre|bringe|besorge|kümmere|"
    r"schreibe|frage|prüfe|buche|bereite|liefere|hole|erstelle|reiche)\b(?!\s+(?:er|sie)\b)"
    r"|^(?:(?:also|and|then|ok|btw|plus)\s+)?(?:promised|will\b|need to|needs to|have to|must\b|should\b|remember to|"
    r"don['’]?t forget|do not forget|todo|to do|to-do|action\b|follow[- ]up|f/u\b|next steps?\b|reminder\b|"
    r"gotta|got to|owe (?:him|her|them))"
    r"|\bpromised\b|\bowe (?:him|her|them)\b"
    r"|\b(?:ich|wir)\s+(?:werde|werden|schicke|schicken|sende|senden|maile|mailen|rufe|rufen|melde|melden|kläre|"
    r"klären|bringe|bringen|besorge|besorgen|kümmere|kümmern|muss|müssen|soll|sollen|will|wollen|mache|machen|"
    r"schreibe|schreiben|frage|fragen|prüfe|prüfen|organisiere|buche|bereite|liefere|liefern|gebe|geben|hole|"
    r"erstelle|reiche|schaue|schau|komme|kommen)\b"
    r"|\b(?:werde|schicke|sende|maile|rufe|melde|kläre|bringe|besorge|muss|soll|mache|schreibe|prüfe|liefere|"
    r"gebe|hole|erstelle|schaue|kümmere)\s+(?:ich|wir)\b"
    r"|\bversprochen\b|\bzugesagt\b|\bzusagen\b|\bnicht vergessen\b|\bdran denken\b|\bdaran denken\b"
    r"|^(?:(?:und|dann|noch|außerdem)\s+)?(?:muss|müssen|soll|sollte|noch|to-?do|aufgabe|erledigen|bitte)\b"
    r"|\brückruf\b|\brückmeldung\b|\bcall\s*back\b|\bcallback\b",
    I,
)
# "Sent him the brochure as promised": a promise kept, not made.
KEPT = re.compile(r"\b(?:as promised|as agreed|wie versprochen|wie zugesagt|wie besprochen)\b", I)
# A wish with no day is no promise: "I should really visit more often".
SOFT = re.compile(r"\b(?:should|sollte|could|könnte|maybe|vielleicht|perhaps|eventuell|more often|öfter|regularly|"
                  r"probably|wahrscheinlich|might|may|possibly|evtl)\b", I)
MEETING_CANCELLED = re.compile(r"\b(?:cancell?ed|called off|abgesagt|storniert|fällt aus)\b", I)
PROMISED = re.compile(r"\bpromised\b|\bversprochen\b|\bzugesagt\b|\bagreed to\b|\boffered to\b", I)
ASKED_ME = re.compile(r"\b(?:asked|wants|told|reminded|needs)\s+(?:me|us)\s+to\b|\bbat\s+(?:mich|uns)\b", I)
# Someone else's promise to me: "he promised us the PO", "hat mir versprochen".
OTHERS_PROMISE = re.compile(
    r"\b(?:he|she|they|customer|client)\s+(?:has\s+|had\s+)?promised\b|\bpromised\s+(?:me|us)\b"
    r"|\b(?:mir|uns)\s+(?:\w+\s+)?(?:versprochen|zugesagt)\b|\b(?:er|sie)\s+hat\s+(?:\w+\s+){0,4}versprochen\b",
    I,
)
NEGATED = re.compile(
    r"\b(?:no need to|don['’]?t need to|do not need to|needn['’]t|not necessary|won['’]t|will not|no longer|"
    r"nicht nötig|nicht mehr|muss nicht|müssen nicht|brauche nicht|brauchen nicht|kein bedarf|not to|nicht zu|"
    r"no action|kein handlungsbedarf|(?:send|do)\s+nothing)\b"
    r"|\bnichts\s+(?:\w+\s+){0,2}(?:schicken|senden|machen|tun|unternehmen)\b", I)
# A clause telling of what happened: "moved into the new warehouse", "sent the offer", "habe … geschickt".
PAST_TENSE = re.compile(
    r"^(?:(?:also|and|then|we|i|he|she|they)\s+)?(?:(?!(?:need|feed|seed|speed|proceed|exceed|succeed|indeed|wed|red|bed|"
    r"shed|embed)\b)\w{2,}ed|sent|met|went|had|was|were|got|gave|took|made|did|saw|said|"
    r"told|brought|bought|came|left|spoke|wrote|paid|sold|ran|won|lost|found|kept|spent|flew|drove|ate|built)\b"
    r"|\b(?:habe|hab|haben|hat|hatte|hatten)\s+(?:\w+\s+){0,5}(?:ge\w+t|ge\w+en)\b(?<!versprochen)"
    r"|\b(?:war|waren|hatte|hatten|schickte|sendete|kam|ging|traf|lieferte)\b"
    r"|\b(?:last|yesterday|ago|gestern|vorgestern|letzte[nrms]?)\b",
    I,
)
ACTION_VERBS = frozenset(
    "send email e-mail mail call ring phone text get bring book prepare arrange organise organize confirm "
    "forward share update schedule write draft reply answer invite find fix sort pick drop ask chase check "
    "follow submit provide deliver quote set look order buy pay renew review sign print post whatsapp "
    "message ping remind".split()
)
# Words that are also nouns at the start of a note ("Call went well", "Order: 15 pallets"): to-dos only with a day.
NOUN_TOO = frozenset("call email e-mail mail text quote order check review update post message ping set".split())
GERMAN_INFINITIVES = frozenset(
    "schicken senden zusenden mailen anrufen zurückrufen besorgen klären vorbereiten vorbeibringen bestellen "
    "nachfassen nachhaken erstellen prüfen buchen organisieren melden machen schreiben beantworten rausschicken "
    "liefern abklären nachreichen weiterleiten ausdrucken mitbringen raussuchen fertigmachen einreichen "
    "abschicken ansprechen erledigen anfragen verschicken versenden zuschicken nachliefern zusammenstellen "
    "rückmelden zurückmelden einplanen reservieren abstimmen aktualisieren überarbeiten durchrechnen".split()
)


def imperative(clause, dated):
    """A to-do written as a bare verb: "Send samples next week", "call him back" (`clause` without its dates);
    not a noun followed by what happened to it ("Order placed for 30 units", "Call went well")."""
    tokens = _tokens(clause)
    while tokens and tokens[0].lower() in FILLERS:
        tokens = tokens[1:]
    if len(tokens) < 2 or tokens[1].lower() in ("is", "was", "went", "has", "had", "were", "ist", "war", "lief") \
            or tokens[1].lower().endswith("ed") and tokens[1].lower() not in ("need",):
        return False
    first = tokens[0].lower()
    if first not in ACTION_VERBS:
        return False
    if first in NOUN_TOO and not dated and tokens[1].lower() not in ("him", "her", "them", "back", "up", "over"):
        return False
    return dated or tokens[1].lower() in ("him", "her", "them", "back", "up", "over", "the", "a", "an", "his", "their")


def german_todo(clause):
    """A German to-do ending (or, as a heading, starting) with its verb: "Preisliste bis Ende des Monats schicken",
    "Klären bis morgen" (`clause` without its dates)."""
    tokens = [t for t in _tokens(clause) if t.lower() not in ("bis", "am", "zum", "spätestens", "noch", "bitte")]
    return bool(tokens) and (tokens[-1].lower() in GERMAN_INFINITIVES or tokens[0].lower() in GERMAN_INFINITIVES
                             and tokens[0][:1].isupper()) and subject_of(clause) != "other"


_LEADS = re.compile(
    r"^(?:(?:also|and|then|ok|btw|plus|so|but|und|dann|noch|außerdem|aber|also)\s+)*"
    r"(?:(?:i|we)\s*(?:['’]ll|will|shall|am going to|['’]m going to|are going to|['’]re going to|have to|"
    r"['’]ve got to|need to|must|should|can|['’]d)\s+|"
    r"(?:i|we)\s+(?:promised|offered|agreed)(?:\s+(?:him|her|them|to))*\s+|"
    r"promised\s+(?-i:[A-Z])\w+\s+(?:(?:that\s+)?i['’]d|(?:that\s+)?i would|(?:that\s+)?i['’]ll|to)\s+|"
    r"(?:promised|offered|agreed)(?:\s+(?:him|her|them|to))*\s+|"
    r"remind me to\s+|note to self\s*:?\s*|"
    r"(?:i|we)\s+(?:told|promised|assured)\s+(?:him|her|them)\s+(?:that\s+)?(?:i|we)\s*(?:would|['’]d|will|['’]ll)\s+|"
    r"(?:we\s+)?agreed\s+(?:that\s+)?(?:i|we)(?:\s*['’]d|\s+would|\s+will|\s*['’]ll)?\s+|"
    r"(?:he|she|they)\s+(?:asked|wants|told|reminded|needs)\s+(?:me|us)\s+to\s+|"
    r"(?:will|need to|needs to|have to|must|should|remember to|don['’]?t forget(?: to)?|do not forget(?: to)?|gotta|"
    r"got to)\s+|(?:ich\s+)?(?:habe|hab)\s+(?:\w+\s+)?(?:versprochen|zugesagt)\s*,?\s+|"
    r"(?:todo|to do|to-do|action|next steps?|reminder|aufgabe|to-?do)\s*[:\-–]?\s+|"
    r"(?:ich|wir)\s+(?:werde|werden|muss|müssen|soll|sollen|will|wollen)\s+|"
    r"(?:ich|wir)\s+|(?:muss|müssen|soll|sollte)\s+(?:ich\s+|wir\s+)?(?:noch\s+)?|noch\s+)",
    I,
)
_TRAILING = re.compile(
    r"(?:\s+(?:by|until|till|on|before|at|am|bis|zum|bis zum|spätestens|latest|ab|um|for|für|the))+$"
    r"|(?:\s+(?:versprochen|zugesagt|promised|as promised|wie versprochen))+$",
    I,
)
_DATE_PREPOSITION = re.compile(r"(?:\b(?:by|until|till|on|before|latest by|no later than|bis|bis zum|am|zum|spätestens|"
                               r"spätestens bis|ab|for|für)\s+)+$", I)
_LEADING_DANGLING = re.compile(r"^(?:by|until|on|bis|am|zum|spätestens|to)\s+", I)


def promise_text(clause, spans):
    """What I promised, without who promised it and when: "Promised to send the brochure by Friday" →
    "send the brochure"."""
    text = clause
    for start, end in sorted(spans, reverse=True):
        lead = _DATE_PREPOSITION.search(text[:start])
        text = text[:lead.start() if lead else start] + " " + text[end:]
    text = " ".join(text.split())
    for _ in range(3):
        text = _LEADS.sub("", text).strip()
        text = _LEADING_DANGLING.sub("", text).strip()
    text = _ICH_WIR.sub("", text)
    text = _HABE_VERSPROCHEN.sub("", text)
    for _ in range(3):
        text = _TRAILING.sub("", text).strip(" ,.;:-–—!?")
    text = _DOUBLE_PREPOSITION.sub(" ", text)
    return text[:1].lower() + text[1:] if text[:2].isalpha() and not text[:2].isupper() and text[:1].isupper() \
        and text.split()[0].lower() in ACTION_VERBS else text


# Meetings

MEETING_MUTUAL = re.compile(
    r"\b(?:next|follow[- ]?up|another|our|new)\s+(?:meeting|visit|appointment|appt|mtg|call|catch[- ]?up|demo|session)\b"
    r"|\bmeet(?:ing)?\s+(?:again|up)\b|\blet['’]?s\s+meet\b|\b(?:we|i)\s*(?:['’]ll|will|are going to|['’]re going to|"
    r"shall|are)\s+meet(?:ing)?\b|\bsee\s+(?:him|her|them|you|each other)\s+again\b|\bvisit\s+(?:him|her|them)\s+again\b"
    r"|\b(?:i['’]ll|i will|will)\s+(?:visit|drop by|stop by|come by|pop in|see (?:him|her|them))\b"
    r"|\b(?:meeting|call|visit|appointment|demo)\s+(?:is\s+)?(?:scheduled|booked|fixed|confirmed|planned|set)\b"
    r"|\b(?:nächste[rsn]?|neue[rsn]?|weitere[rsn]?)\s+(?:termin|treffen|besuch|gespräch|meeting|telefontermin)\b"
    r"|\bfolgetermin\b|\btelefontermin\b|\btreffen\s+uns\b|\bwir\s+treffen\b|\bsehen\s+uns\b"
    r"|\btermin\s+(?:vereinbart|ausgemacht|steht|fix)\b|\b(?:besuche|besuchen)\s+(?:ihn|sie)\s+(?:wieder|erneut)\b",
    I,
)
MEETING_PLAIN = re.compile(
    r"\b(?:meeting|appointment|appt|mtg|visit|review|catch[- ]?up|workshop|site visit|termin|treffen|besuch|"
    r"\w*gespräch|vor-ort-termin|workshop)\b"
    r"|\bsee(?:ing)?\s+(?:him|her|them|you|[\w.]+(?:\s+[\w.]+){0,4})\s+(?:again\s+)?(?:on|next|at)\b"
    r"|\b(?:lunch|dinner|coffee)\s+(?:on|next|at|am|um)\b"
    r"|\bkomme\s+(?:am|wieder)\b|\bvorbei(?:kommen|schauen)\b|\b(?:besuche|besuchen)\s+(?:ihn|sie)\b",
    I,
)
# A meeting moved to another day is still ahead: "the visit was moved to 3 Sept".
MEETING_MOVED = re.compile(r"\b(?:moved|rescheduled|postponed|pushed|shifted|verschoben|verlegt)\b", I)

# Family

RELATIONS = {
    "daughter": "child", "daughters": "child", "son": "child", "sons": "child", "kid": "child", "kids": "child",
    "child": "child", "children": "child", "twins": "child", "baby": "child", "stepdaughter": "child",
    "stepson": "child", "boy": "child", "girl": "child", "boys": "child", "girls": "child",
    "wife": "partner", "husband": "partner", "spouse": "partner", "girlfriend": "partner", "boyfriend": "partner",
    "fiancee": "partner", "fiancée": "partner", "fiance": "partner", "fiancé": "partner", "partner": "partner",
    "mother": "parent", "mom": "parent", "mum": "parent", "father": "parent", "dad": "parent", "parents": "parent",
    "brother": "sibling", "sister": "sibling", "brothers": "sibling", "sisters": "sibling", "siblings": "sibling",
    "grandson": "other", "granddaughter": "other", "grandchild": "other", "grandchildren": "other",
    "grandkids": "other", "niece": "other", "nephew": "other", "cousin": "other", "uncle": "other", "aunt": "other",
    "grandmother": "other", "grandfather": "other", "grandma": "other", "grandpa": "other",
    "mother-in-law": "other", "father-in-law": "other", "sister-in-law": "other", "brother-in-law": "other",
    "son-in-law": "other", "daughter-in-law": "other",
    "tochter": "child", "töchter": "child", "sohn": "child", "söhne": "child", "kind": "child", "kinder": "child",
    "zwillinge": "child", "stieftochter": "child", "stiefsohn": "child", "enkel": "other", "enkelin": "other",
    "enkelkinder": "other", "ehefrau": "partner", "ehemann": "partner", "partnerin": "partner",
    "lebensgefährtin": "partner", "lebensgefährte": "partner", "verlobte": "partner", "verlobter": "partner",
    "frau": "partner", "mann": "partner", "freundin": "partner", "freund": "partner",
    "mutter": "parent", "vater": "parent", "mama": "parent", "papa": "parent", "eltern": "parent",
    "bruder": "sibling", "schwester": "sibling", "brüder": "sibling", "schwestern": "sibling",
    "geschwister": "sibling", "nichte": "other", "neffe": "other", "cousine": "other", "onkel": "other",
    "tante": "other", "oma": "other", "opa": "other", "schwiegermutter": "other", "schwiegervater": "other",
    "schwager": "other", "schwägerin": "other", "schwiegersohn": "other", "schwiegertochter": "other",
}
# Words that are a relation only after "his", "seine", "Toms"…: "Frau Müller" is Mrs Müller, "Partner Tom" a partner
# in business, "girl"/"boy" a word of their own.
NEEDS_POSSESSIVE = frozenset("frau mann freundin freund partner partnerin boy girl boys girls".split())
POSSESSIVES = r"(?:his|her|their|my|our|sein(?:e[rnms]?)?|ihr(?:e[rnms]?)?|deren|dessen|mein(?:e[rnms]?)?|unser(?:e[rnms]?)?)"
_REL = "|".join(sorted((re.escape(r) for r in RELATIONS), key=len, reverse=True))
_NAME = r"[^\W\d_][\w'’-]*"
_AGE = r"(?P<{}>\d{{1,2}})"
_RELATION_WORD = re.compile(rf"\b(?P<rel>{_REL})\b", I)
# What may stand before a relation word: "Tom's", "Toms", "his", "seine 8-jährige", "her little".
_BEFORE_RELATION = re.compile(
    rf"(?:(?P<owner>\b(?!(?:his|hers|its|this|was|is|has|yours|ours|theirs|seines|ihres|des|dies|das|es)\b)"
    r"(?-i:[A-ZÄÖÜ])[\w-]*?)(?:['’]s|s|['’])\s+|"
    rf"(?P<poss>\b{POSSESSIVES})\s+)?"
    r"(?:(?:new|little|older|younger|eldest|oldest|youngest|big|baby|kleine[rn]?|große[rn]?|älteste[rn]?|"
    r"jüngste[rn]?|neue[rn]?)\s+)*"
    r"(?:(?P<age_before>\d{1,2})[- ]?(?:year[- ]old|yo|jährige[rn]?|j\.)\s+)?"
    r"(?:(?:new|little|older|younger|eldest|oldest|youngest|big|kleine[rn]?|große[rn]?|älteste[rn]?|jüngste[rn]?)\s+)?$",
    I,
)
_NAME_AT = re.compile(rf"\s*[,:]?\s*(?:(?:named|called|namens|heißt|is called)\s+)?(?P<name>{_NAME})", I)
_OWN_AGE = re.compile(
    r"(?:\s*\(\s*(?P<paren>\d{1,2})(?:\s*(?:years?|yrs?|y/?o|jahre|j\.?))?\s*\)"
    r"|\s*,\s*(?P<comma>\d{1,2})(?=\s*(?:,|$|\)|\band\b|\bund\b|&|\.|\s+(?:years?|jahre|j\.)))"
    r"|\s+(?P<bare>\d{1,2})\s*(?:years?|yrs?|y/?o|jahre|j\.)(?:\s*(?:old|alt))?"
    r"|\s+(?P<plain>\d{1,2})(?=\s*(?:,|;|$|\)|\.(?!\d)|\band\b|\bund\b|&)))",
    I,
)
_BARE_NAME = re.compile(rf"(?P<name>{_NAME})", I)
_POSSESSIVE_BEFORE = re.compile(rf"(?:\b{POSSESSIVES}|['’]s|s)\s+$", I)
_NEXT_NAME = re.compile(r"\s*(?:,\s*(?:(?:and|und|&)\s+)?|(?:and|und)\s+|&\s*)", I)
PLURAL_RELATIONS = frozenset("kids children twins sons daughters parents siblings grandchildren grandkids kinder "
                             "zwillinge söhne töchter eltern geschwister enkelkinder enkel brothers sisters".split())
_AGE_AFTER = re.compile(
    r"^\s*(?:\(\s*|,\s*|\s+(?:is|was|turned|just turned|turns|is now|are|ist|sind|wird|wurde|werden|ist jetzt|"
    r"who is|who's|die|der)\s+(?:(?:about|around|ca\.?|etwa|fast|almost|now|jetzt|gerade)\s+)?)"
    r"(?P<age>\d{1,2})(?!\d|[.,]\d|\s*(?:€|%|eur|kg|pallets|units|stück|pcs))"
    r"(?:\s*(?:years?|yrs?|y/?o|jahre|j\.?)(?:\s*(?:old|alt))?)?\s*\)?",
    I,
)
_MEMBER_INTERESTS = re.compile(
    r"^\s*(?:,\s*|\s+)(?:and\s+|und\s+)?(?:(?:she|he|who|sie|er|die|der)\s+)?(?:now\s+|jetzt\s+)?"
    r"(?P<verb>plays|loves|likes|does|is into|spielt|liebt|mag|macht|tanzt|reitet)\s+(?:the\s+|gerne?\s+)?"
    r"(?P<what>[^,.;!?]+)",
    I,
)
# Words right after a relation word that are not a name: "his daughter plays", "seine Frau hat".
NOT_NAMES = frozenset(
    """is was has had plays loves likes turned turns just will and or the a an who which that of in at on with from
    to for by as are were goes went got gets does did can could would should might may must also too now still
    there here this these those just recently started starts lives lived works worked studies studied
    ist war hat hatte spielt liebt mag wird wurde und oder der die das ein eine einen einem den dem des wer
    ist's sind waren von mit bei auf aus zu zum zur im am um für als auch noch jetzt gerade schon ja nein
    geht ging macht machte lebt arbeitet studiert kommt kam fängt beginnt bekommt bekam heiratet heiratete
    birthday geburtstag schule school uni university college abitur hochzeit wedding kita kindergarten
    ausbildung studium job arbeit work team company firma""".split()
)


NOT_A_NAME = re.compile(r"(?:gift|geschenk|hobby|hobbies|termin|rückruf|meeting|next|nächste|todo)", I)


def _capitalised(name):
    """A name as written, or capitalised when the note is in lower case."""
    return name if name[:1].isupper() else name[:1].upper() + name[1:]


def _a_name(word, lower_case_note):
    """True when a word after a relation word can be a name: not "is", "plays", a month or another relation;
    in lower case only in a note written all in lower case."""
    key = word.lower()
    if key in NOT_NAMES or key in RELATIONS or key in MONTH_WORDS or key in HONORIFICS or NOT_A_NAME.match(key):
        return False
    return word[:1].isupper() or lower_case_note and not key.endswith(("ed", "ing"))


def _names_after(sentence, at, lower_case_note, several):
    """[(name, own age)] listed from position `at` ("Ana und Luis (4)", "Paul, 3, und Lina, 1"; one name unless
    `several`) and where the list ends."""
    names, end = [], at
    while not names or several:
        m = _NAME_AT.match(sentence, end) if not names else None
        if names:
            sep = _NEXT_NAME.match(sentence, end)
            if not sep:
                break
            m = _BARE_NAME.match(sentence, sep.end())
        if not m or not _a_name(m.group("name"), lower_case_note):
            break
        end = m.end()
        age_m = _OWN_AGE.match(sentence, end)
        age = None
        if age_m:
            age = int(age_m.group("paren") or age_m.group("comma") or age_m.group("bare") or age_m.group("plain"))
            end = age_m.end()
        names.append((_capitalised(m.group("name")), age))
    return names, end


def family_in(sentence):
    """[(relation, name, age, interests, owner)] of the family members named in a sentence."""
    found = []
    lower_case_note = not any(w[:1].isupper() for w in _tokens(sentence)[1:])
    for m in _RELATION_WORD.finditer(sentence):
        rel = m.group("rel").lower()
        before = _BEFORE_RELATION.search(sentence[max(0, m.start() - 40):m.start()])
        owner, poss = (before.group("owner"), before.group("poss")) if before else (None, None)
        if rel in NEEDS_POSSESSIVE and not (owner or poss):
            continue
        names, end = _names_after(sentence, m.end(), lower_case_note, several=rel in PLURAL_RELATIONS)
        if not names:
            continue
        age_match = _AGE_AFTER.match(sentence[end:])
        shared_age = int(age_match.group("age")) if age_match else None
        if before and before.group("age_before"):
            shared_age = int(before.group("age_before"))
        if shared_age is None and rel in PLURAL_RELATIONS and names[-1][1] is not None and \
                all(age is None for _, age in names[:-1]):
            shared_age = names[-1][1]  # "twins Max and Mia (6)"
        rest = sentence[end + (age_match.end() if age_match else 0):]
        liked = _MEMBER_INTERESTS.match(rest)
        interests = split_items(liked.group("what")) if liked and len(names) == 1 else []
        for name, own_age in names:
            age = own_age if own_age is not None else shared_age
            found.append((RELATIONS[rel], name, age if age is None or age <= 120 else None, interests, owner))
    return found


RELATION_AS_SUBJECT = re.compile(
    rf"(?:^|\b{POSSESSIVES}\s+)(?:\w+\s+)?\b(?:{_REL})\b(?:\s+{_NAME})?\s+(?:\(\d+\)\s+)?"
    r"(?:plays|loves|likes|does|is|spielt|liebt|mag|macht|ist|geht|tanzt|reitet|sails|segelt)\b"
    rf"|\b{POSSESSIVES}\s+(?:\w+\s+)?(?:{_REL})\b",
    I,
)

# Interests

GERUNDS = {
    "sails": "sailing", "runs": "running", "cycles": "cycling", "bikes": "cycling", "golfs": "golf",
    "hikes": "hiking", "fishes": "fishing", "skis": "skiing", "climbs": "climbing", "paints": "painting",
    "cooks": "cooking", "bakes": "baking", "swims": "swimming", "dances": "dancing", "gardens": "gardening",
    "hunts": "hunting", "rides": "riding", "surfs": "surfing", "jogs": "jogging", "rows": "rowing",
    "sings": "singing", "knits": "knitting", "boxes": "boxing", "dives": "diving", "skates": "skating",
    "segelt": "Segeln", "wandert": "Wandern", "angelt": "Angeln", "kocht": "Kochen", "läuft": "Laufen",
    "joggt": "Joggen", "malt": "Malen", "reitet": "Reiten", "tanzt": "Tanzen", "singt": "Singen",
    "fotografiert": "Fotografieren", "jagt": "Jagen", "schwimmt": "Schwimmen", "klettert": "Klettern",
    "golft": "Golf", "radelt": "Radfahren", "backt": "Backen", "gärtnert": "Gärtnern", "surft": "Surfen",
    "taucht": "Tauchen", "rudert": "Rudern", "strickt": "Stricken", "boxt": "Boxen",
}
DOERS = {
    "golfer": "golf", "gardener": "gardening", "cyclist": "cycling", "runner": "running", "sailor": "sailing",
    "angler": "fishing", "fisherman": "fishing", "hunter": "hunting", "skier": "skiing", "cook": "cooking",
    "baker": "baking", "hiker": "hiking", "climber": "climbing", "photographer": "photography",
    "swimmer": "swimming", "diver": "diving", "surfer": "surfing", "reader": "reading", "musician": "music",
    "golfspieler": "Golf", "segler": "Segeln", "angler ": "Angeln", "jäger": "Jagd", "läufer": "Laufen",
    "radfahrer": "Radfahren", "hobbykoch": "Kochen", "gärtner": "Garten", "wanderer": "Wandern",
}
_GERUND_RE = "|".join(sorted(GERUNDS, key=len, reverse=True))
_DOER_RE = "|".join(sorted((d.strip() for d in DOERS), key=len, reverse=True))
_BE = r"(?:is|['’]s|are|['’]re|ist|sind)"
INTEREST = re.compile(
    rf"\b(?P<lead>loves|likes|enjoys|adores|{_BE}\s+(?:really\s+|big\s+|very\s+)?into|{_BE}\s+crazy about|"
    rf"{_BE}\s+passionate about|{_BE}\s+keen on|{_BE}\s+mad about|{_BE}\s+learning|learns|plays|collects|supports|"
    r"follows|goes|does|practi[sc]es|"
    rf"{_BE}\s+(?:a |an )?(?:big |huge |keen |massive |die-hard |passionate |avid |great )?fan of|"
    r"spielt|mag|liebt|sammelt|lernt|interessiert sich (?:sehr )?für|begeistert sich für|"
    r"ist (?:ein |eine )?(?:großer |große |riesiger |begeisterter |leidenschaftlicher )?fan (?:von|des|der|vom)|"
    r"fährt gerne?|geht gerne?|macht gerne?|hört gerne?|schaut gerne?|treibt|macht|"
    r"hobby(?:s|ies)?\s*(?:is|are|ist|sind)?\s*[:\-–]?|interests?\s*[:\-–]|interessen\s*[:\-–])\s+(?P<what>[^.;!?,]+)"
    r"|\bfährt\s+(?P<ride>motorrad|rad|ski|snowboard|kanu|kajak|oldtimer|rennrad|mountainbike|harley)\b"
    rf"|(?:\b(?:he|she|er|sie)|\b[A-ZÄÖÜ][\w-]+)\s+(?:also\s+|still\s+|auch\s+|often\s+|oft\s+)?"
    rf"(?P<verb>{_GERUND_RE})\b(?P<verb_tail>[^.;!?,]*)"
    rf"|\b(?:{_BE}\s+)?(?:(?:a|an|ein|eine|both|beide)\s+)?(?:(?:big|huge|keen|great|passionate|avid|die-hard|massive|"
    r"großer|große|riesiger|begeisterter|total(?:er)?)\s+)?(?P<team>(?:[\w-]+\s+){0,2}?[\w-]+?)"
    r"(?:\s+|-)(?:fans?|supporter|enthusiast|nut|fanatic|buff|lover|freak|addict)\b"
    r"|\bhobby-(?P<hobbyist>\w+)"
    rf"|\b{_BE}\s+(?:a|an|ein|eine)\s+(?:(?:keen|avid|passionate|big|great|begeisterter|leidenschaftlicher)\s+)?"
    rf"(?P<doer>{_DOER_RE})\b",
    I,
)
# Objects of "macht" that are no hobby: "macht sich Sorgen", "macht Urlaub".
NOT_AFTER_MACHT = frozenset("sich urlaub druck stress feierabend schluss ärger sorgen mit das es den die einen eine "
                            "gerade jetzt viel".split())
_PREPOSITION_TAIL = re.compile(r"\s+(?:in|im|at|bei|with|mit|on|am|for|für|from|aus|online|every|each|jeden|jedes|"
                               r"most|meist|mostly|vor|before|after|nach)\b.*$", I)
_ADVERB_FIRST = re.compile(r"(?:every|each|on|at|a lot|regularly|often|too|also|well|whenever|when|with|jedes|jeden|am|"
                           r"gern|gerne|viel|oft|auch|regelmäßig|mit|seit|since|for|most|almost|like)\b", I)
_TEAM_WORDS = frozenset("a an the is are was his her big huge both he she ein eine ist sind er sie".split())


_SUBJECT_AGAIN = re.compile(r"\b(?:he|she|he['’]s|she['’]s|er|sie|himself|herself|selbst)\b", I)


def _family_before(clause, start):
    """True when the hobby at `start` is a family member's: a relation word comes before it with no new subject
    between ("son Jake (16) plays hockey", but not "her partner Sven sells boats, she's mad about sailing")."""
    last = None
    for m in _RELATION_WORD.finditer(clause, 0, start):
        word = m.group("rel").lower()
        if word in NEEDS_POSSESSIVE and not _POSSESSIVE_BEFORE.search(clause[:m.start()]):
            continue  # "Frau Berger" is Mrs Berger
        last = m
    return last is not None and not _SUBJECT_AGAIN.search(clause, last.end(), start)


_TRAILING_TIME = re.compile(
    r"\s+(?:every\s+\w+|each\s+\w+|on\s+(?:the\s+)?weekends?|at\s+the\s+weekends?|in\s+(?:his|her|their)\s+"
    r"(?:spare|free)\s+time|a lot|very much|too|as well|a bit|like crazy|whenever\s.*|when\s.*|with\s+(?:his|her)\s.*|"
    r"jedes\s+\w+|jeden\s+\w+|am\s+wochenende|in\s+(?:seiner|ihrer)\s+freizeit|sehr|gerne?|leidenschaftlich|"
    r"regelmäßig|seit\s.*|since\s.*|for\s+\d+\s+years|for\s+years|mit\s+(?:seinem|seiner|ihrem|ihrer)\s.*|"
    r"durch und durch|online|mostly|meistens)$",
    I,
)
_ARTICLES = re.compile(r"^(?:the|a|an|some|der|die|das|den|dem|ein|eine|einen|im|in|beim|zum|zur|his|her|sein|seine|ihr|"
                       r"ihre)\s+", I)
_NOT_HOBBIES = re.compile(r"^(?:our|your|unser\w*|euer\w*|ihr(?:e|en)?\s+(?:angebot|produkt)|it|that|this|das|es|"
                          r"him|her|them|ihn|sie|to\b|the idea|the quote|the offer|the price|a role|a discount|"
                          r"well|good|great|fine|back|home|nach hause|zurück)\b", I)
_TIME_FIRST = re.compile(r"^(?:every|each|jedes|jeden|jede|am|on|at|seit|since|mostly|meist|meistens|usually|"
                         r"sometimes|manchmal)\b", I)


def split_items(text):
    """"golf and sailing, chess" → ["golf", "sailing", "chess"], each trimmed of articles and "every weekend"."""
    items = []
    for part in _LIST_BREAK.split(text):
        part = part.strip(" -–—:()\"'")
        for _ in range(2):
            part = _TRAILING_TIME.sub("", part).strip(" -–—:()\"'")
            part = _ARTICLES.sub("", part).strip()
        if part and not _NOT_HOBBIES.match(part) and not _TIME_FIRST.match(part) and not _DIGIT.search(part) \
                and len(part) <= 40 and len(part.split()) <= 4:
            items.append(part)
    return items


def interests_in(clause, before=""):
    """The customer's hobbies and passions a clause names (`before`: the sentence before the clause, where a family
    member may have been named: "his daughter Léa, 8, plays violin")."""
    items = []
    for m in INTEREST.finditer(clause):
        if _family_before(before + clause, len(before) + m.start()):
            continue
        if m.group("what"):
            lead = m.group("lead").lower()
            what = _BUT.split(m.group("what"))[0]
            first = what.split()[0].lower() if what.split() else ""
            if lead == "goes" and not first.endswith("ing"):
                continue
            if lead == "macht" and first in NOT_AFTER_MACHT:
                continue
            if lead in ("does", "macht", "plays", "spielt", "goes") or lead.startswith(("hobby", "fährt", "geht")):
                what = _PREPOSITION_TAIL.sub("", what)
            items.extend(split_items(what))
        elif m.group("ride"):
            items.append(m.group("ride"))
        elif m.group("verb"):
            # "sails every weekend" is sailing; "paints watercolours", "sings in a choir" say what.
            tail = _OBJECT_LEAD.sub("", m.group("verb_tail"))
            what = split_items(_PREPOSITION_TAIL.sub("", tail)) if tail and not _ADVERB_FIRST.match(tail) else []
            items.extend(what or [GERUNDS[m.group("verb").lower()]])
        elif m.group("team"):
            team = [w for w in m.group("team").split() if w.lower() not in _TEAM_WORDS]
            if team:
                items.append(" ".join(team))
        elif m.group("hobbyist"):
            items.append(m.group("hobbyist"))
        elif m.group("doer"):
            items.append(DOERS.get(m.group("doer").lower()) or DOERS.get(m.group("doer").lower() + " "))
    return [i for i in items if i]


# Gift ideas

GIFT_LEAD = re.compile(
    r"\b(?:gift|present|xmas|christmas|birthday)\s*ideas?\s*(?:for\s+[^:.;!?]{1,40}?\s*)?[:\-–—]?\s*(?P<what>[^.;!?]+)"
    r"|\bgeschenk(?:idee|ideen|tipp)?\s*(?:(?:für|zu|zum)\s+[^:;!?]{1,40}?\s*)?[:\-–—]\s*(?P<what2>[^.;!?]+)"
    r"|\bgeschenkidee(?:n)?\s+(?P<what3>[^.;!?]+)"
    r"|\bidea\s+for\s+(?:a\s+)?(?:his|her|their)?\s*(?:birthday|christmas|xmas|anniversary|gift|present)\s*[:\-–—]?\s*"
    r"(?P<what4>[^.;!?]+)"
    r"|\bidee\s+(?:für|zum|zu)\s+(?:den\s+|die\s+|das\s+)?(?:weihnachten|geburtstag|jubiläum|hochzeitstag)\s*[:\-–—]?\s*"
    r"(?P<what5>[^.;!?]+)"
    r"|\b(?:would love|would like|wishes for|is wishing for|wish list\s*:|dreams of)\s+(?P<what6>(?:a|an|some|the|one)\s+"
    r"[^.;!?,]+)"
    r"|\bcould (?:give|get) (?:him|her|them) (?P<what7>[^.;!?,]+)"
    r"|\bwünscht sich\s+(?P<what8>[^.;!?,]+)"
    r"|\bwürde sich (?:sehr )?(?:über|freuen über)\s+(?P<what9>[^.;!?,]+?)(?:\s+freuen)?(?=$|[.;!?,])"
    r"|\b(?:könnte|kann) (?:man )?(?:ihm|ihr) (?P<what10>[^.;!?,]+?) schenken\b",
    I,
)
# "… – gift idea", "… (gift idea)", "… would make a nice present": the gift is the phrase before the mark.
GIFT_AFTER = re.compile(
    r"\s*(?:[-–—(]|\bas a\b|\bwould make a\b|\bwäre ein\w*\b)\s*"
    r"(?:(?:good|great|nice|perfect|possible|potential|gute|tolle|mögliche)\s+)?"
    r"(?:gift idea|gift|present|geschenkidee|geschenk)\b\)?",
    I,
)
_GIFT_CLEAN = re.compile(
    r"^(?:(?:he|she|they|er|sie)\s+)?(?:loves|likes|enjoys|adores|is into|collects|liebt|mag|sammelt|trinkt gerne?|"
    r"drinks|would love|would like|mentioned|erwähnte|needs|braucht)\s+", I)
_GIFT_TAIL = re.compile(r"\s+(?:for (?:his|her|their|the) \w+|zum \w+|zu \w+|für (?:den|die|das|seinen|ihren) \w+|"
                        r"for christmas|for xmas|zu weihnachten|zum geburtstag|maybe|vielleicht|perhaps)$", I)


GIFT_MARK = re.compile(r"^\W*(?:gift|present|geschenk)\w*\b", I)


# A phrase after a gift idea that tells something else: "Geschenkidee: Kochbuch, spielt Klavier".
NOT_GIFTS = frozenset("plays loves likes is has collects goes does spielt mag liebt ist hat sammelt geht macht "
                      "he she er sie".split())


def gifts_in(sentence):
    """The gift ideas a sentence names ("Gift idea: …", "… – gift idea", "Geschenkidee: …")."""
    items = []
    for m in GIFT_LEAD.finditer(sentence):
        what = next(v for k, v in m.groupdict().items() if v)
        items.extend(_gift_items(what))
    if not items:
        for m in GIFT_AFTER.finditer(sentence):
            before = _PHRASE_END.split(sentence[:m.start()])[-1]
            what = _GIFT_PHRASE_BREAK.split(before)[-1]
            items.extend(_gift_items(what))
    return items


def _gift_items(what):
    """The gift ideas in one phrase, trimmed."""
    what = _PARENTHESES.sub("", what)
    what = _NEW_SUBJECT.split(what)[0]
    what = _GIFT_CLEAN.sub("", what.strip()).strip()
    what = _GIFT_TAIL.sub("", what).strip()
    items = []
    for part in _ALTERNATIVES.split(what):
        part = _ARTICLES.sub("", part.strip(" -–—:()\"'")).strip()
        if part and len(part) <= 60 and len(part.split()) <= 6 and part.split()[0].lower() not in NOT_GIFTS:
            items.append(part)
    return items


# Whose

POSSESSOR = re.compile(r"\b(?P<name>[A-ZÄÖÜ][\w-]+)(?:['’]s)\s+(?=\w)")


def possessor(clause):
    """A name the clause gives something to ("Tom's wife", "for Anna's team"), or None."""
    m = POSSESSOR.search(clause)
    return m.group("name") if m else None


_STARTERS = re.compile(
    r"^(?:i|i['’]ll|i['’]m|i['’]ve|i['’]d|we|we['’]ll|he|she|they|he['’]ll|she['’]ll|they['’]ll|it|ich|er|sie|wir|es|man)\b"
    r"|^(?:promised|will|need|needs|must|have to|has to|should|remember|don['’]?t forget|next|let['’]?s|todo|to do|"
    r"to-do|also|versprochen|muss|soll|werde|nächste[rsn]?|termin|treffen|rückruf|rückmeldung|gift|geschenk|hobby|"
    r"loves|likes|"
    r"plays|spielt|liebt|mag|his|her|seine?|ihre?|follow|seeing|meeting|melde|schicke|sende|rufe|kläre|kümmere|"
    r"besorge|bringe|schreibe|prüfe|buche|hole|erstelle)\b|^(?:gift|geschenk)\w*"
    rf"|^(?:(?:{POSSESSIVES}|[A-ZÄÖÜ][\w-]*['’]s)\s+)?(?:{_REL})\b"
    rf"|^[A-ZÄÖÜ][\w-]+\s+(?:{'|'.join(sorted(SUBJECT_VERBS))})\b",
    I,
)


def starts_a_clause(text, after_and=False):
    """True when `text` begins a clause of its own (a subject, a commitment, a meeting…); after "and", a bare verb
    goes on the same clause ("I'll check with my boss and get back to her by Wednesday")."""
    text = text.lstrip()
    while text.split(maxsplit=1)[:1] and text.split(maxsplit=1)[0].lower() in FILLERS:
        text = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    if _STARTERS.match(text):
        return True
    first = text.split(maxsplit=1)[0].lower() if text else ""
    return not after_and and first in ACTION_VERBS and first not in NOUN_TOO
