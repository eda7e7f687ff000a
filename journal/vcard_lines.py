"""vCard files (2.1, 3.0, 4.0) read line by line into cards of properties, without holding the file.

vobject refuses whole files for one bad line (a vCard 2.1 quoted-printable soft break, a byte that is no UTF-8) and
builds a tree of the whole file (photos included) in memory, so this reader streams instead: physical lines (any line
ending, UTF-16 files transcoded), joined by RFC folding and by quoted-printable soft breaks, each property's value kept
as bytes until its card is complete, then decoded per property (a card's code page is chosen once, from all of its
values that are not UTF-8). Photos and other binary values are counted, never kept; a longer value is cut.
"""
import binascii
import codecs
import io
import re
import unicodedata
from dataclasses import dataclass, field

from .text import without_controls

MAX_LINE = 256 * 1024  # characters of one physical line read at once; the rest of a longer line is read and dropped
MAX_VALUE = 64 * 1024  # characters of text kept of one property; a longer value is cut (the card says so)
MAX_RAW = 3 * MAX_VALUE  # bytes kept of a value before decoding (quoted-printable takes up to three a byte)
BINARY = {"PHOTO", "LOGO", "SOUND", "KEY", "X-MS-CARDPICTURE"}
CODE_PAGES = ("cp1252", "cp1250", "cp1251")  # Western, Central European and Cyrillic Windows, the usual legacy bytes
CODE_PAGE_NAMES = {"cp1252": "Windows-1252 (Western)", "cp1250": "Windows-1250 (Central European)",
                   "cp1251": "Windows-1251 (Cyrillic)"}
_NAME = re.compile(rb"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)")
_ESCAPE = re.compile(r"\\(.)", re.S)
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass
class Property:
    """One property of a card: its group (Apple's item1), name, parameters, and value as bytes until decoded."""

    group: str
    name: str
    params: dict
    raw: bytearray
    binary: bool = False
    cut: bool = False

    @property
    def types(self):
        """The TYPE parameter's values (vCard 2.1's bare ones included), lower case."""
        return [t.lower() for t in self.params.get("TYPE", []) if t]

    def param(self, name):
        """The first value of a parameter, or ""."""
        return (self.params.get(name) or [""])[0]

    @property
    def quoted_printable(self):
        """True when the value is quoted-printable (vCard 2.1)."""
        return self.param("ENCODING").upper() in ("QUOTED-PRINTABLE", "QP")

    def extend(self, more):
        """Add a continuation to the value, up to MAX_RAW bytes (binary values are not kept at all)."""
        if self.binary:
            return
        room = MAX_RAW - len(self.raw)
        if len(more) > room:
            self.cut = True
            more = more[:max(room, 0)]
        self.raw += more


@dataclass
class Card:
    """The properties of one card in file order, and what the reading noticed (one line each, for the preview)."""

    number: int
    version: str = ""
    properties: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    code_page: str = ""  # the legacy code page its non-UTF-8 values were read with, once chosen
    file: dict = field(default_factory=dict)  # shared by the cards of one file: "code_page", the last one chosen

    def all(self, *names):
        """Its properties with these names (upper case), in file order."""
        return [p for p in self.properties if p.name in names]

    def note(self, text):
        """Say something about this card in the preview, once."""
        if text not in self.notes:
            self.notes.append(text)


def physical_lines(handle):
    """The lines of a binary file as bytes without their line ending (CR, LF or CRLF), each at most MAX_LINE long
    (the rest of a longer line is dropped). A UTF-16 file (old Mac OS X Address Book) is read as UTF-8."""
    head = handle.read(4)
    handle.seek(0)
    encoding = _utf16(head)
    # latin-1 maps every byte to one character and back, so the file's bytes pass unchanged through universal newlines
    text = io.TextIOWrapper(handle, encoding=encoding or "latin-1", errors="replace", newline=None)
    back = "utf-8" if encoding else "latin-1"
    first = True
    while True:
        line = text.readline(MAX_LINE)
        if not line:
            return
        if not line.endswith("\n") and len(line) == MAX_LINE:
            rest = line
            while rest and not rest.endswith("\n"):
                rest = text.readline(MAX_LINE)
        data = line.rstrip("\n").encode(back, "replace")
        if first:
            data, first = data.removeprefix(b"\xef\xbb\xbf"), False
        yield data


def _utf16(head):
    """"utf-16" (with its byte order mark), "utf-16-be"/"-le" (without), or None for a file of bytes."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if head[:1] == b"\x00" and head[1:2] not in (b"", b"\x00"):
        return "utf-16-be"
    if head[1:2] == b"\x00" and head[:1] not in (b"", b"\x00"):
        return "utf-16-le"
    return None


def looks_like_vcard(head):
    """True when a file's first bytes are a vCard's (any byte order mark or blank lines before BEGIN:VCARD)."""
    encoding = _utf16(head)
    text = head.decode(encoding, "ignore") if encoding else head.decode("latin-1")
    return text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").upper().startswith("BEGIN:VCARD")


def cards(handle):
    """The cards of a vCard file, one at a time, as Card objects whose values are still bytes."""
    card, prop, nested, number, file = None, None, 0, 0, {"code_page": CODE_PAGES[0]}
    for line in physical_lines(handle):
        if prop is not None and card is not None:
            if prop.quoted_printable and prop.raw.endswith(b"=") and not _is_end(line):
                del prop.raw[-1]  # a soft break: the value carries on at the start of this line
                prop.extend(line)
                continue
            if line[:1] in (b" ", b"\t"):
                prop.extend(line[1:])  # RFC folding
                continue
        if not line.strip():
            if prop is not None and prop.binary:
                prop = None  # ends vCard 2.1's base64 values; a text value may go on (a CRLF file saved again: CRCRLF)
            continue
        parsed = _property(line)
        if parsed is None:
            if card is not None and nested == 0:
                if prop is not None and prop.binary:
                    continue  # base64 lines of a vCard 2.1 photo written without indentation
                if prop is not None and prop.name == "NOTE":
                    prop.extend(b"\\n" + line)  # a line break some writers leave raw inside a note
                    continue
                card.note("Skipped a line that is no property: “" + _shown(line) + "”.")
            continue
        begin = parsed.name == "BEGIN" and bytes(parsed.raw).strip().upper() == b"VCARD"
        end = parsed.name == "END" and bytes(parsed.raw).strip().upper() == b"VCARD"
        if card is None:
            if begin:
                number += 1
                card, prop, nested = Card(number, file=file), None, 0
            continue
        if begin and (nested or (prop is not None and prop.name == "AGENT" and not prop.raw.strip())):
            nested += 1  # vCard 2.1's AGENT holds a whole card: not a person of this file
            continue
        if nested:
            nested -= end
            continue
        if begin:
            card.note("The card before had no END:VCARD line; the next card starts here.")
            yield card
            number += 1
            card, prop = Card(number, file=file), None
            continue
        if end:
            yield card
            card, prop = None, None
            continue
        prop = parsed
        if prop.name == "VERSION":
            card.version = bytes(prop.raw).strip().decode("ascii", "replace")
        card.properties.append(prop)
    if card is not None:
        card.note("The file ends inside this card (no END:VCARD line): what was there is read.")
        yield card


def _is_end(line):
    """True for an END:VCARD line (a quoted-printable value ending in "=" must not swallow it)."""
    return line.strip().upper() == b"END:VCARD"


def _shown(line):
    """A short, readable piece of a line for a note (no control characters: PostgreSQL refuses NUL in text)."""
    return without_controls(line[:40].decode("utf-8", "replace")) + ("…" if len(line) > 40 else "")


def _property(line):
    """The Property a line starts (name, parameters and the value's first part), or None when it is no property."""
    match = _NAME.match(line)
    if not match:
        return None
    rest = line[match.end():]
    colon, quoted = None, False
    for i, byte in enumerate(rest):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            colon = i
            break
    if colon is None or (colon and rest[:1] != b";"):
        return None
    params = _params(rest[:colon].decode("utf-8", "surrogateescape"))  # legacy bytes wait for the card's code page
    group = (match.group(1) or b"").decode("ascii").lower()
    name = match.group(2).decode("ascii").upper()
    binary = (name in BINARY or name.endswith("PHOTO") or params.get("ENCODING", [""])[0].upper() in ("B", "BASE64")
              or params.get("VALUE", [""])[0].upper() == "BINARY")
    prop = Property(group, name, params, bytearray(), binary=binary)
    prop.extend(rest[colon + 1:])
    return prop


def _params(text):
    """{NAME: [values]} of ";TYPE=HOME,WORK;CHARSET=UTF-8;PREF" (vCard 2.1's bare values are types or encodings)."""
    params = {}
    for part in _split(text, ";")[1:]:
        key, sep, value = part.partition("=")
        if not sep:
            key, value = ("ENCODING" if part.upper() in ("QUOTED-PRINTABLE", "BASE64", "8BIT") else "TYPE"), part
        values = [v.strip().strip('"') for v in _split(value, ",")] if key.upper() != "LABEL" else [value.strip('"')]
        params.setdefault(key.strip().upper(), []).extend(values)
    return params


def _split(text, separator):
    """`text` split at `separator` outside double quotes."""
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def text(card, prop):
    """A property's value as text: quoted-printable decoded to bytes, then its charset applied (or UTF-8, or the
    card's code page, noted), control characters dropped, line breaks as "\\n", NFC; escapes are left for `parts`."""
    data = bytes(prop.raw)
    if prop.quoted_printable:
        data = binascii.a2b_qp(data)
    if prop.cut:
        data = _without_partial_character(data)
    value = _decoded(card, prop, data)
    value = without_controls(value.replace("\r\n", "\n").replace("\r", "\n"))
    if len(value) > MAX_VALUE or prop.cut:
        value = value[:MAX_VALUE]
        card.note(f"Cut {prop.name} to its first {MAX_VALUE // 1024} KB.")
    return unicodedata.normalize("NFC", value)


def param_text(card, value):
    """A parameter's value as text (a label of the writer's own): UTF-8, or the card's legacy code page; without
    control characters, in NFC."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        data = value.encode("utf-8", "surrogateescape")
        if not card.code_page:
            card.code_page = _code_page(card)
        value = data.decode(card.code_page, "replace")
    return unicodedata.normalize("NFC", without_controls(value))


def parts(value, separator=";"):
    """A structured value's components (N, ADR, ORG), each unescaped; "\\;" and "\\," stay inside a component."""
    pieces, current, i = [], [], 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            current.append(value[i:i + 2])
            i += 2
            continue
        if char == separator:
            pieces.append(unescape("".join(current)))
            current = []
        else:
            current.append(char)
        i += 1
    pieces.append(unescape("".join(current)))
    return pieces


def unescape(value):
    """vCard text escapes undone: \\n (or \\N) is a line break, \\, \\; and \\\\ their character."""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _decoded(card, prop, data):
    """The value's bytes as text: its CHARSET if it says one and that fits, else UTF-8, else (flagged on the card)
    UTF-8 without its stray bytes, or the card's legacy code page."""
    charset = _codec(prop.param("CHARSET"))
    if charset and charset != "utf-8":
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        card.note(f"Read a byte of {prop.name} that is no UTF-8 as Windows-1252: check the accents.")
        return data.decode("utf-8", "stray-cp1252")
    if not card.code_page:
        card.code_page = _code_page(card)
    said = "its character set was not UTF-8" if charset else "it did not say its character set"
    card.note(f"Read as {CODE_PAGE_NAMES[card.code_page]} text ({said}): check the accents.")
    return data.decode(card.code_page, "replace")


def _stray_byte(error):
    """Codec error handler: a byte that is no UTF-8, in text that otherwise is, read as Windows-1252 ("caf\xe9")."""
    return error.object[error.start:error.end].decode("cp1252", "replace"), error.end


codecs.register_error("stray-cp1252", _stray_byte)


def _codec(name):
    """Python's name of a CHARSET parameter's codec, or None (none given, or one Python does not know)."""
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _mostly_utf8(data):
    """True when the bytes hold at least as many well-formed multi-byte UTF-8 characters as bytes that are no UTF-8
    (UTF-8 with a stray byte); legacy code page text forms a UTF-8 pair now and then only by chance (Windows-1251
    "Ві" is C2 B3)."""
    valid = len(re.findall(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data))
    stray = len(data) - len(data.decode("utf-8", "ignore").encode("utf-8"))
    return valid >= stray


def _without_partial_character(data):
    """Bytes cut at a limit, without the UTF-8 character the cut split (if any)."""
    for drop in range(0, 4):
        try:
            (data[:len(data) - drop]).decode("utf-8")
            return data[:len(data) - drop]
        except UnicodeDecodeError:
            continue
    return data


def _code_page(card):
    """The legacy code page that reads all of the card's non-UTF-8 values most like words: letters count for it,
    symbols (³ ¹ ¥ from Polish letters read as Western) and words mixing Latin and Cyrillic against it, and runs of
    three accented letters (Cyrillic read as Western) too; a tie keeps the file's previous choice."""
    raw = []
    for prop in card.properties:
        if not prop.binary:
            data = binascii.a2b_qp(bytes(prop.raw)) if prop.quoted_printable else bytes(prop.raw)
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                raw.append(data)
    sample = b"\n".join(raw)
    previous = card.file.get("code_page", CODE_PAGES[0])
    order = [previous] + [c for c in CODE_PAGES if c != previous]
    best = max(order, key=lambda page: _wordlike(sample.decode(page, "replace")))
    card.file["code_page"] = best
    return best


def _wordlike(value):
    """How much `value` reads like words (see _code_page)."""
    score = 0
    for char in value:
        if ord(char) > 127:
            score += 1 if char.isalpha() else -2
    for word in _LETTERS.findall(value):
        cyrillic = sum(1 for c in word if "\u0400" <= c <= "\u04ff")
        if cyrillic and cyrillic < len(word):
            score -= 3
        score -= 2 * len(re.findall(r"[\u00c0-\u024f]{3,}", word))
    return score
