"""`svcsite audit`: scan built client sites for what must never be there (contract 8).

Every text file of a client's site (pages, search index, sitemap, downloads, assets, the
feed and the calendar; a `.gz` is read unpacked, a PDF as its text, a calendar unfolded)
is read once, with HTML entities and JSON escapes resolved, and searched for:

- another client: its id, its name or one of its sites' names (4 characters or more; not
  its sites' ids, which may be `A` or `1`), unless the text is the site's own too (the own
  client's id, name, site ids and site names, or one of them holding it);
- personal data: any value of a personal-data column of the inputs (`personal=True` in
  `generator.inputs.tables`) or a configured name of a person (`people:`) that is specific enough
  to search for: an e-mail address, or 6 characters or more. Phone numbers are searched
  by their digits, as below.

What can hold data (the visible text and the text attributes of the HTML pages, the search
index, the downloads with the PDFs, the feed and the calendar) is also searched for anything that looks like an e-mail address,
a phone number or an HKID number (the patterns of `generator.safety.redact`); the provider's own
e-mail address and phone number are allowed. The project's own assets (the Vega bundle,
Material's JavaScript) are left out of this pattern search: they hold number-like strings
of their own.

Each page (HTML, SVG) is checked for script that did not come from the project: a
`<script>` is allowed when its `src` is under the site's own `assets/`, or when its text is
one of the inline scripts of the templates of Material, of the encryption plugin or of
`site_overrides/` (Material's `__config` data block too); any inline event-handler
attribute (`on...=`), `javascript:`/`vbscript:` URL or active element (`<iframe>`,
`<object>`, `<embed>`, `<base>`...) is a finding. Pages and stylesheets are checked for
resources fetched from another host. The landing pages (`index.html`, `404.html`,
`robots.txt` at the root) must name no client at all.

A finding never prints a personal value in full: it is masked (`91** ****`).

Speed: each file is read once; a file's words (bytes split at anything but a-z and 0-9)
pick out the few identifiers and values whose words are all in it, and only those are then
searched for (each by its own regex, which starts with a literal and so runs at C speed);
files with the same content (Material's and Vega's bundles are in every site) are looked at
once; the pattern search and the page checks run only where pyarrow's RE2 pre-filter, one
call per client, finds something; a large portfolio is shared among one process per CPU.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import html
import importlib.util
import json
import multiprocessing
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote

from generator.inputs.config import Client, Config
from generator.inputs.tables import TABLES
from generator.safety.redact import EMAIL, HK_PHONE, HKID, INTERNATIONAL_PHONE, redact

if TYPE_CHECKING:
    from generator.inputs.read import Inputs

REPO = Path(__file__).resolve().parents[2]

# Elements whose src/href make the browser fetch something (links a reader clicks do not).
_FETCHING = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed|track|input)\b[^>]*?\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|<link\b[^>]*?\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)"
    r"|<object\b[^>]*?\bdata\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE)
_TEXT_SUFFIXES = {
    ".html",
    ".htm",
    ".js",
    ".mjs",
    ".json",
    ".xml",
    ".css",
    ".txt",
    ".csv",
    ".md",
    ".svg",
    ".map",
    ".ics",
}
# Read for their text (see `_pdf_text`): the PDFs of the service reports.
_DOCUMENT_SUFFIXES = {".pdf"}
_UNREADABLE = "\0unreadable\0"
# Typographic ligatures a PDF's text may hold ("ﬁ"), read as their letters ("fi").
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
# A calendar's dates, times and ids are no one's phone number: left out of the pattern search.
_ICS_NOT_TEXT = re.compile(
    r"^(?:DTSTAMP|DTSTART|DTEND|DUE|CREATED|LAST-MODIFIED|RECURRENCE-ID|EXDATE|RDATE|UID)[;:].*$",
    re.MULTILINE,
)
_ICS_ESCAPE = re.compile(r"\\([\\;,nN])")
_PAGE_SUFFIXES = {".html", ".htm", ".svg"}
# A `<link>` to the site's own canonical address is not a fetch from another host.
_NON_FETCHING_REL = re.compile(r"rel\s*=\s*[\"']?(?:canonical|alternate)", re.IGNORECASE)
_NON_FETCHING_LINK = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?(?:canonical|alternate)\b[^>]*>", re.IGNORECASE
)

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# The element name, then each attribute's name, skipping quoted values.
_ATTRIBUTE_NAME = re.compile(
    r"""(?:^|[\s/])([^\s"'<>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?"""
)
_OPEN_TAG = re.compile(r"""<[A-Za-z](?:[^<>"']|"[^"]*"|'[^']*')*>""")
_EVENT_HANDLER = re.compile(r"""[\s"'/](on[a-z]+)\s*=""", re.IGNORECASE)
# An attribute value with a scheme or an entity in it (`="javascript:..."`, `="&#106;..."`):
# the only ones that can hide a script URL. Anchored on `=`, which a search finds fast.
_SCHEMED_VALUE = re.compile(
    r"""=\s*(?:"([^"&:]*[&:][^"]*)"|'([^'&:]*[&:][^']*)'|([^\s>"'&:]*[&:][^\s>"']*))"""
)
_NAME_BEFORE = re.compile(r"""([^\s"'<>/=]+)\s*$""")
_URL_ATTRIBUTES = frozenset(
    [
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "srcdoc",
        "cite",
        "ping",
        "srcset",
        "lowsrc",
        "dynsrc",
        "longdesc",
        "usemap",
        "codebase",
        "archive",
        "manifest",
        "icon",
    ]
)
_ACTIVE_ELEMENT = re.compile(
    r"<(iframe|frame|frameset|object|embed|applet|base|portal)\b"
    r"|<meta\b[^>]*http-equiv\s*=\s*[\"']?refresh",
    re.IGNORECASE,
)
_SCRIPT_URL = re.compile(r"(?:javascript|vbscript|livescript):|data:text/html", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# The same searches, for RE2 to rule a whole page out at C speed.
_ACTIVE_GATE = "(?i)" + _EVENT_HANDLER.pattern + "|" + _ACTIVE_ELEMENT.pattern
_FETCH_GATE = "(?i)" + _FETCHING.pattern + "|" + _CSS_URL.pattern
# Every quoted attribute value of a page (titles, captions, chart specs... hold data).
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_OPAQUE = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=_-]{40,}")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\"\\/bfnrt])")
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": " ", "f": " ", "n": "\n", "r": "\n", "t": " "}
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# What looks like personal data, as `generator.safety.redact` sees it.
_EMAIL_START = r"(?<![\w.!#$%&'*+/=?^`{|}~-])"
_LOOKS_PERSONAL = re.compile(
    f"(?P<email>{_EMAIL_START}{EMAIL})|(?P<hkid>{HKID})|(?P<phone>{INTERNATIONAL_PHONE}|{HK_PHONE})"
)
# The same, loosened to what RE2 (pyarrow) can run: every line the precise patterns match
# is picked (no look-around: a boundary is a character or the line's end).
_D = "[0-9\uff10-\uff19]"
_T = "A-Za-z0-9\uff10-\uff19"
_HK_SEP = "(?:[ \t\u00a0]{1,2}|[ \u00a0]?[-\u2010-\u2013][ \u00a0]?)?"
_INTL_SEP = "[ ().\\-\u2010-\u2013]{0,2}"
_PREFILTER = "|".join(
    [
        r"\S@[^\s.@]+\.[^\s.@]",
        f"(?:^|[^{_T}])[A-Za-z]{{1,2}} ?{_D}{{6}} ?[(\uff08] ?(?:{_D}|[Aa]) ?[)\uff09]",
        f"(?:^|[^{_T}])(?:[A-Za-z]{_D}{{6}} ?(?:{_D}|[Aa])|[A-Za-z]{{2}}{_D}{{6}} ?[Aa])(?:[^{_T}]|$)",
        f"(?:^|[^{_T}+$])(?:(?:\\+|00)?852{_HK_SEP}|\\( ?(?:\\+|00)?852 ?\\){_HK_SEP})?"
        f"[2-9\uff12-\uff19]{_D}{{3}}{_HK_SEP}{_D}{{4}}(?:[^{_T}]|$)",
        f"(?:^|[^{_T}+$])\\+ ?\\(?{_D}(?:{_INTL_SEP}{_D}){{7,14}}",
        f"(?:^|[^{_T}+$])00[1-9]{_D}{{0,2}}[ ().\\-]{{1,2}}{_D}(?:{_INTL_SEP}{_D}){{6,11}}",
    ]
)
_KIND_NAMES = {"email": "e-mail address", "phone": "phone number", "hkid": "HKID number"}


@dataclass(frozen=True)
class Finding:
    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


# ----------------------------------------------------------------------------- what to find


def _outside(found: list[str], own: set[str], lower: str) -> list[str]:
    """The found terms that are in the lower-case text outside the site's own identifiers
    that hold them: "Kowloon Bank" inside the own "Kowloon Bank (Central)" is not a finding,
    while the own "Tower" (or "A") hides nothing of another's "Tower A"."""
    outside = []
    for text in found:
        key = _key(text)
        holders = [term for term in own if key in _Targets.find([key], term)]
        blanked = lower
        for holder in sorted(holders, key=len, reverse=True):  # the longest first
            first, _, rest = holder.partition(" ")
            finder = _group_finder(first, frozenset([rest]))
            blanked = finder.sub(lambda match: " " * len(match.group(0)), blanked)
        if key in _Targets.find([key], blanked):
            outside.append(text)
    return outside


def _identifiers(client: Client) -> list[str]:
    """What names a client: its id, its name and its sites' names (ids of sites may be `A`
    or `1`: too short and generic to search for)."""
    return [client.id, client.name, *(site.name for site in client.sites)]


def _key(text: str) -> str:
    """A term or a match as compared: lower case, white space collapsed."""
    return " ".join(text.lower().split())


def _digits(text: str) -> str:
    return "".join(str(int(character)) for character in text if character.isdigit())


def _phone_key(text: str) -> str:
    """A phone number by its digits, a Hong Kong number without its 852."""
    digits = _digits(text)
    for prefix in ("00852", "852"):
        if len(digits) == len(prefix) + 8 and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def mask(text: str) -> str:
    """A value as a finding may show it: its first two letters or digits, then stars."""
    shown, out = 0, []
    for character in text:
        if character.isalnum():
            out.append(character if shown < 2 else "*")
            shown += 1
        else:
            out.append(character)
    return "".join(out)


# Every byte but a-z and 0-9 (of lower-case UTF-8) becomes a space: what is left are words.
_LATIN = r"a-zA-Z0-9\u00c0-\u024f\uff10-\uff19"
_NOT_WORD = bytes.maketrans(
    bytes(b for b in range(256) if not (97 <= b <= 122 or 48 <= b <= 57)),
    b" " * (256 - 36),
)


def _words(lower: str) -> set[bytes]:
    return set(lower.encode("utf-8", "replace").translate(_NOT_WORD).split())


@dataclass
class _Targets:
    """Everything searched for, the portfolio's at once."""

    # term key -> what it is: ("client", client id) or ("personal", column)
    terms: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)  # phone key -> column
    emails: dict[str, str] = field(default_factory=dict)  # e-mail, lower case -> column
    allowed_phones: set[str] = field(default_factory=set)
    allowed_emails: set[str] = field(default_factory=set)
    words: dict[str, frozenset[bytes]] = field(default_factory=dict)  # term key -> its words
    index: dict[bytes, list[str]] = field(default_factory=dict)  # longest word -> term keys

    def add(self, text: str, kind: str, label: str) -> None:
        key = _key(text)
        if not key:
            return
        if key not in self.terms:
            words = _words(key)
            self.terms[key] = []
            self.words[key] = frozenset(words)
            # Indexed by its longest word; one without a-z/0-9 (a Chinese name) by none.
            self.index.setdefault(max(sorted(words), key=len) if words else b"", []).append(key)
        if (kind, label) not in self.terms[key]:
            self.terms[key].append((kind, label))

    def candidates(self, words: set[bytes]) -> tuple[str, ...]:
        """The terms all of whose words are among `words` (the only ones a text with these
        words can hold)."""
        return tuple(
            key
            for word in [b"", *sorted(words.intersection(self.index))]
            for key in self.index.get(word, ())
            if self.words[key] <= words
        )

    @staticmethod
    def find(keys: Iterable[str], lower: str) -> dict[str, tuple[int, int]]:
        """Where each of the terms first is in the lower-case text, as a whole word: one
        search per first word (a literal, so a fast search), the rest tried where it is."""
        groups: dict[str, set[str]] = {}
        for key in keys:
            first, _, rest = key.partition(" ")
            groups.setdefault(first, set()).add(rest)
        found: dict[str, tuple[int, int]] = {}
        for first, rests in groups.items():
            for match in _group_finder(first, frozenset(rests)).finditer(lower):
                rest = " ".join((match.group(1) if match.re.groups else "").split())
                found.setdefault(f"{first} {rest}" if rest else first, match.span())
        return found


@lru_cache(maxsize=4096)
def _group_finder(first: str, rests: frozenset[str]) -> re.Pattern[str]:
    """`first` as a whole word, followed by the longest of `rests` that is there."""
    # A whole word against Latin letters and digits (Chinese text has no spaces).
    word = re.escape(first)
    pattern = rf"{word}(?<![{_LATIN}_-]{word})"
    others = sorted((rest for rest in rests if rest), key=lambda rest: (-len(rest), rest))
    if others:
        alternatives = "|".join(r"\s+".join(map(re.escape, rest.split(" "))) for rest in others)
        pattern += rf"(?:\s+({alternatives}))" + ("?" if "" in rests else "")
    return re.compile(pattern + rf"(?![{_LATIN}_-])")


def _targets(config: Config, inputs: Inputs | None) -> _Targets:
    targets = _Targets()
    for client in config.clients:
        for text in _identifiers(client):
            if len(text.strip()) >= 4:
                targets.add(text, "client", client.id)
        for person in client.people:
            _add_personal(targets, person, "people")
    if inputs is not None:
        for name, table in TABLES.items():
            frame = inputs.tables.get(name)
            if frame is None:
                continue
            for column in table.personal_columns:
                if column in frame:
                    for value in frame[column].dropna().astype(str).unique():
                        _add_personal(targets, value, column)
    provider = config.provider
    if provider.email:
        targets.allowed_emails.add(provider.email.strip().lower())
    if provider.phone:
        targets.allowed_phones.add(_phone_key(provider.phone))
    return targets


def _add_personal(targets: _Targets, value: str, column: str) -> None:
    value = " ".join(str(value).split())
    if "@" in value and re.fullmatch(EMAIL, value):
        targets.emails.setdefault(value.lower(), column)
        targets.add(value, "personal", column)
    elif len(_digits(value)) >= 8 and re.fullmatch(r"[\d\s()+./\-\u2010-\u2013]+", value):
        targets.phones.setdefault(_phone_key(value), column)
    elif len(value) >= 6:
        targets.add(value, "personal", column)


# -------------------------------------------------------------------------- known scripts


@lru_cache(maxsize=1)
def _known_inline_scripts() -> re.Pattern[str] | None:
    """The inline scripts of the templates the sites are built with (Material, the
    encryption plugin, `site_overrides/`), as one pattern: a template expression (`{{ x }}`)
    matches text on one line without `<`; a part inside `{% if %}` may be there or not."""
    folders = [REPO / "site_overrides"]
    for package in ("material", "encryptcontent"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            folders.append(Path(spec.origin).parent)
    bodies = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for template in sorted(folder.rglob("*.html")):
            text = template.read_text(encoding="utf-8", errors="replace")
            for match in _SCRIPT.finditer(text):
                if "src" not in _attributes(match.group(1)):
                    bodies.add(match.group(2))
    # A body that is all template expression (Material's `__config` data) proves nothing.
    literal = [
        body
        for body in bodies
        if len(re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\s", "", body, flags=re.DOTALL)) >= 10
    ]
    alternatives = sorted({_template_pattern(body) for body in literal})
    if not alternatives:
        return None
    return re.compile(r"\s*(?:" + "|".join(alternatives) + r")\s*", re.DOTALL)


def _template_pattern(body: str) -> str:
    def literal(part: str) -> str:
        pieces = re.split(r"\{\{.*?\}\}", part, flags=re.DOTALL)
        return r"[^<\n]*?".join(r"\s+".join(map(re.escape, piece.split())) for piece in pieces)

    # Text outside `{% if %}`/`{% for %}` is always there; text inside may be or not.
    pieces, depth = [], 0
    for index, piece in enumerate(re.split(r"\{%-?\s*(\w+).*?-?%\}", body, flags=re.DOTALL)):
        if index % 2:  # a tag's keyword
            depth += piece in {"if", "for"}
            depth -= piece in {"endif", "endfor"}
        elif piece.strip():
            pieces.append(literal(piece) if depth == 0 else f"(?:{literal(piece)})?")
    return r"\s*".join(pieces)


def _attributes(text: str) -> dict[str, str]:
    attributes = {}
    for match in _ATTRIBUTE.finditer(text):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        attributes.setdefault(match.group(1).lower(), html.unescape(value))
    return attributes


# ----------------------------------------------------------------------------- one file


@dataclass
class _Content:
    """What a file's content holds, whatever site it is in (kept for files that are the
    same in many sites)."""

    candidates: tuple[str, ...]  # term keys whose words are all in it
    found: dict[str, str | None] = field(default_factory=dict)  # term key -> text as found
    looks_personal: list[tuple[str, str]] | None = None  # (kind, text as found)


@dataclass
class _File:
    path: Path
    suffix: str
    raw: str
    inert: str | None  # a page without its script and style elements
    scoped: bool  # searched for what looks like personal data
    content: _Content | None = None
    _text: str | None = None

    @property
    def decoded(self) -> str:
        if self._text is None:
            self._text = _decoded(self.raw, self.suffix)
        return self._text


def _decoded(raw: str, suffix: str) -> str:
    """The text a reader or a program would get: entities and JSON escapes resolved."""
    if suffix == ".json":
        try:
            return html.unescape(json.dumps(json.loads(raw), ensure_ascii=False))
        except ValueError:
            return html.unescape(_json_unescape(raw))
    if suffix in {".html", ".htm", ".xml", ".svg"}:
        return _json_unescape(html.unescape(raw))
    if suffix == ".ics":  # lines unfolded, text values unescaped (RFC 5545 3.1, 3.3.11)
        unfolded = re.sub(r"\r?\n[ \t]", "", raw)
        return _ICS_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), unfolded)
    return raw


def _pdf_text(path: Path) -> str:
    """A PDF's text, by poppler's pdftotext (pypdf, ten times slower, where it is missing),
    its ligatures read as letters; `_UNREADABLE` when neither can read it. In the order it is
    drawn, its lines as printed (`-raw`): joined, "2026-11-" at a line's end and "01" on the
    next would read as a phone number. What a PDF prints, its page showed: the page is
    audited too."""
    text: str | None = None
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-raw", "-q", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=False,
        )
        if result.returncode == 0:
            text = result.stdout.decode("utf-8", errors="replace")
    elif importlib.util.find_spec("pypdf") is not None:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        try:
            text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        except (PyPdfError, OSError, ValueError):
            text = None
    return _UNREADABLE if text is None else text.translate(_LIGATURES)


def _json_unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return chr(int(code, 16)) if code else _JSON_SIMPLE[match.group(2)]

    text = _JSON_ESCAPE.sub(one, text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _visible(raw: str, suffix: str, decoded: str, inert: str | None) -> str:
    """What can hold data, for the pattern search: a page's text and attribute values, the
    search index's strings without their markup, a download as it is."""
    if inert is not None:
        attributes = [a or b for a, b in _ATTRIBUTE_VALUE.findall(inert)]
        text = _TAG.sub("\n", inert) + "\n" + "\n".join(attributes)
        return _json_unescape(html.unescape(text))
    if suffix == ".json":
        try:
            strings = list(_strings(json.loads(raw)))
        except ValueError:
            strings = [decoded]
        return html.unescape(_TAG.sub("\n", "\n".join(strings)))
    if suffix == ".ics":
        return _ICS_NOT_TEXT.sub("", decoded.replace("\r\n", "\n"))
    return decoded


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield str(value)


def _re2_matches(texts: list[str], pattern: str) -> list[int] | None:
    """The positions of the texts `pattern` matches somewhere, by pyarrow's RE2 at C speed
    (None: pyarrow cannot do it - not installed, or text it cannot take - and the caller
    searches all of them)."""
    if not texts:
        return []
    try:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        found = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), pattern)
        return np.flatnonzero(found.fill_null(False).to_numpy(zero_copy_only=False)).tolist()
    except Exception:
        return None


def _prefiltered(texts: list[str]) -> Iterator[tuple[int, str]]:
    """(which text, line) for the lines of the texts that may hold an e-mail address, a
    phone or an HKID number: split into lines and searched by pyarrow (RE2) at C speed;
    without pyarrow, or with text it cannot take, every line."""
    try:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lines = pc.split_pattern(pa.array(texts, type=pa.large_string()), "\n")
        ends = np.cumsum(pc.list_value_length(lines).to_numpy(zero_copy_only=False))
        flat = pc.list_flatten(lines)
        found = pc.match_substring_regex(flat, _PREFILTER).fill_null(False)
        hits = np.flatnonzero(found.to_numpy(zero_copy_only=False))
        owners = np.searchsorted(ends, hits, side="right")
        picked = flat.take(pa.array(hits, type=pa.int64())).to_pylist()
        yield from zip(owners.tolist(), picked, strict=True)
    except Exception:
        for index, text in enumerate(texts):
            for line in text.split("\n"):
                yield index, line


# ------------------------------------------------------------------------------ the audit


class _Auditor:
    def __init__(self, site_dir: Path, targets: _Targets) -> None:
        self.site_dir = site_dir
        self.targets = targets
        self.contents: dict[tuple[bytes, str], _Content] = {}

    def load(self, path: Path, scoped: bool) -> _File:
        """One file, read once (a `.gz` unpacked, a PDF as its text)."""
        data = path.read_bytes()
        suffix = path.suffix.lower()
        if suffix in _DOCUMENT_SUFFIXES:
            data = _pdf_text(path).encode()
        if suffix == ".gz":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError):
                data = b""
            suffix = Path(path.stem).suffix.lower()
        raw = data.decode("utf-8", errors="replace")
        inert = _STYLE.sub("\n", _SCRIPT.sub("\n", raw)) if suffix in _PAGE_SUFFIXES else None
        file = _File(path, suffix, raw, inert, scoped)
        key = (hashlib.blake2b(data, digest_size=16).digest(), suffix)
        file.content = self.contents.get(key)
        if file.content is None:
            words = _words(file.decoded.lower())
            file.content = self.contents[key] = _Content(self.targets.candidates(words))
        return file

    def files(self, paths: list[tuple[Path, bool]]) -> list[_File]:
        """The files, with what looks like personal data in those that can hold data found
        by one run of the RE2 pre-filter over all their lines."""
        files = [self.load(path, scoped) for path, scoped in paths]
        pending: dict[int, tuple[_Content, str]] = {}
        for file in files:
            content = file.content
            if (
                file.scoped
                and content is not None
                and content.looks_personal is None
                and id(content) not in pending
            ):
                text = _visible(file.raw, file.suffix, file.decoded, file.inert)
                pending[id(content)] = (content, text)
        contents = [content for content, _ in pending.values()]
        for content in contents:
            content.looks_personal = []
        for index, line in _prefiltered([text for _, text in pending.values()]):
            # Long runs of base64 or hex (encrypted pages, hashes) are no one's phone.
            found = contents[index].looks_personal
            assert found is not None
            found += [
                (match.lastgroup or "phone", match.group(0))
                for match in _LOOKS_PERSONAL.finditer(_OPAQUE.sub(" ", line))
            ]
        return files

    def named(self, file: _File, wanted: Callable[[list[tuple[str, str]]], bool]) -> list[str]:
        """The terms in the file whose owners are `wanted`, as found."""
        content = file.content
        assert content is not None
        keys = [key for key in content.candidates if wanted(self.targets.terms[key])]
        missing = [key for key in keys if key not in content.found]
        if missing:
            decoded = file.decoded
            lower = decoded.lower()
            same = len(lower) == len(decoded)  # the text as written, for the finding
            spans = self.targets.find(missing, lower)
            for key in missing:
                span = spans.get(key)
                content.found[key] = (
                    None if span is None else (decoded if same else lower)[span[0] : span[1]]
                )
        return [text for key in keys if (text := content.found[key]) is not None]

    def checked(self, files: list[_File], site_root: Path, named: Callable) -> list[Finding]:
        """Every finding in `files`; `named(file)`: the finding on the clients it names."""
        findings: list[Finding] = []
        for file, (active, fetches) in zip(files, _gates(files), strict=True):
            where = str(file.path)
            if file.raw == _UNREADABLE:
                reason = "a PDF whose text cannot be read to audit it (install poppler-utils)"
                findings.append(Finding(where, reason))
                continue
            findings += named(file)
            findings += self._personal(where, file)
            if file.inert is not None:
                findings += _page_findings(
                    where, file.raw, file.inert, active, file.path, site_root
                )
            if fetches:
                findings += [
                    Finding(where, f"loads from another host: {url}")
                    for url in _external_fetches(file.raw)
                ]
        return findings

    # a client's site
    def client(self, client: Client, client_dir: Path) -> list[Finding]:
        # A site id in the client's own records ("Location 143") may be another's site name.
        own = {_key(text) for text in [*_identifiers(client), *(s.id for s in client.sites)]}

        def foreign(owners: list[tuple[str, str]]) -> bool:
            return any(kind == "client" and label != client.id for kind, label in owners)

        def named(file: _File) -> list[Finding]:
            found = [text for text in self.named(file, foreign) if _key(text) not in own]
            if found:  # "Kowloon Bank" inside the site's own "Kowloon Bank (Central)" is not
                found = _outside(found, own, file.decoded.lower())
            if not found:
                return []
            return [Finding(str(file.path), f"names another client: {found[0]!r}" + _more(found))]

        # Each language is a complete site of its own (the second under its folder): each
        # is checked as a site, its pages, search index and downloads alike.
        roots = _language_roots(client, client_dir)
        findings: list[Finding] = []
        for root in roots:
            inner = [other for other in roots if other != root and other.is_relative_to(root)]
            paths = [
                (path, _holds_data(path.relative_to(root).as_posix()))
                for path in _files(root)
                if not any(path.is_relative_to(other) for other in inner)
            ]
            findings += self.checked(self.files(paths), root, named)
        return findings

    # the landing pages: no client at all
    def landing(self) -> list[Finding]:
        def any_client(owners: list[tuple[str, str]]) -> bool:
            return any(kind == "client" for kind, _ in owners)

        def named(file: _File) -> list[Finding]:
            found = self.named(file, any_client)
            if not found:
                return []
            return [Finding(str(file.path), f"names a client: {found[0]!r}" + _more(found))]

        paths = [self.site_dir / name for name in ("index.html", "404.html", "robots.txt")]
        files = self.files([(path, True) for path in paths if path.is_file()])
        return self.checked(files, self.site_dir, named)

    def _personal(self, where: str, file: _File) -> list[Finding]:
        """Personal values and what looks like personal data: one finding per kind, with
        the first one found (masked) and how many more."""
        targets = self.targets
        by_reason: dict[str, list[str]] = {}
        for found in self.named(file, lambda owners: any(k == "personal" for k, _ in owners)):
            labels = sorted(
                label for kind, label in targets.terms[_key(found)] if kind == "personal"
            )
            by_reason.setdefault(f"personal data ({', '.join(labels)})", []).append(mask(found))
        assert file.content is not None
        for kind, found in file.content.looks_personal or []:
            column = None
            if kind == "email":
                if found.lower() in targets.allowed_emails:
                    continue
                column = targets.emails.get(found.lower())
            elif kind == "phone":
                if _phone_key(found) in targets.allowed_phones:
                    continue
                column = targets.phones.get(_phone_key(found))
            reason = f"personal data ({column})" if column else _KIND_NAMES[kind]
            by_reason.setdefault(reason, []).append(mask(found))
        findings = []
        for reason, values in by_reason.items():
            distinct = list(dict.fromkeys(values))
            findings.append(Finding(where, f"{reason} {distinct[0]}" + _more(distinct)))
        return findings


def _gates(files: list[_File]) -> list[tuple[bool, bool]]:
    """Per file, by RE2 (one call each): whether a page may have an event handler or an
    active element, and whether a page or stylesheet may load from another host."""
    fetching = [file.suffix in {".html", ".htm", ".css", ".svg"} for file in files]
    active = _re2_matches([file.inert or "" for file in files], _ACTIVE_GATE)
    fetches = _re2_matches(
        [
            _NON_FETCHING_LINK.sub(" ", file.raw) if fetch else ""
            for file, fetch in zip(files, fetching, strict=True)
        ],
        _FETCH_GATE,
    )
    active_set = set(range(len(files)) if active is None else active)
    fetch_set = set(range(len(files)) if fetches is None else fetches)
    return [
        (index in active_set and file.inert is not None, index in fetch_set and fetching[index])
        for index, file in enumerate(files)
    ]


def _language_roots(client: Client, client_dir: Path) -> list[Path]:
    """The site of the client's main language, then those of its other languages."""
    from generator.site.i18n import LANGUAGES

    return [client_dir] + [client_dir / LANGUAGES[code].folder for code in client.languages[1:]]


def _more(values: list[str]) -> str:
    return f" (and {len(values) - 1} more)" if len(values) > 1 else ""


def _files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and (
            path.suffix.lower() in _TEXT_SUFFIXES | _DOCUMENT_SUFFIXES
            or (path.suffix.lower() == ".gz" and Path(path.stem).suffix.lower() in _TEXT_SUFFIXES)
        )
    )


def _holds_data(relative: str) -> bool:
    """Whether a file of a client's site is searched for what looks like personal data: its
    pages, its search index and its downloads (not the project's own assets)."""
    suffix = Path(relative).suffix.lower()
    if relative.startswith("assets/"):
        return False
    return (
        suffix in {".html", ".htm"}
        or relative == "search/search_index.json"
        or (relative.startswith("downloads/") and suffix in {".csv", ".json", ".txt", ".pdf"})
        or relative in {"feed.xml", "calendar.ics"}
    )


def _page_findings(
    where: str, raw: str, inert: str, active: bool, page: Path, site_root: Path
) -> list[Finding]:
    """Script that did not come from the project, in one page (`inert`: the page without
    its script and style elements)."""
    findings = []
    scripts = list(_SCRIPT.finditer(raw))
    for match in scripts:
        reason = _script_problem(match, page, site_root)
        if reason:
            findings.append(Finding(where, reason))
    if len(_SCRIPT_OPEN.findall(raw)) > len(scripts):
        findings.append(Finding(where, "unterminated <script> (not from the project)"))
    if active:
        # Attribute names of tags only: base64 text of an encrypted page ("/onrw=") or the
        # escaped text inside an attribute value (a chart's data) is no handler.
        handlers = sorted(
            {
                name.lower()
                for tag in _OPEN_TAG.finditer(inert)
                for name in _ATTRIBUTE_NAME.findall(tag.group(0)[1:])
                if name.lower().startswith("on")
            }
        )
        if handlers:
            findings.append(Finding(where, f"inline event handler: {', '.join(handlers)}="))
        for match in _ACTIVE_ELEMENT.finditer(inert):
            element = (match.group(1) or "meta refresh").lower()
            findings.append(Finding(where, f"active element <{element}> (not from the project)"))
    tags: list[tuple[int, int]] | None = None
    for match in _SCHEMED_VALUE.finditer(inert):
        value = next(group for group in match.groups() if group is not None)
        head = value[:300].lstrip("\x00\t\n\f\r ")  # a script URL starts with its scheme
        if not head or head[0] not in "jJvVlLdD&":
            continue
        head = re.sub(r"[\x00-\x20]", "", html.unescape(head))
        if not _SCRIPT_URL.match(head):
            continue
        # Only inside a tag: text that reads `src=javascript:` is shown, never followed.
        tags = tags if tags is not None else [tag.span() for tag in _OPEN_TAG.finditer(inert)]
        around = bisect.bisect_right(tags, (match.start(), len(inert))) - 1
        if around < 0 or tags[around][1] <= match.start():
            continue
        name = _NAME_BEFORE.search(inert, max(0, match.start() - 80), match.start())
        if name and name.group(1).lower() in _URL_ATTRIBUTES:
            attribute = name.group(1).lower()
            findings.append(Finding(where, f"script URL in {attribute}: {_excerpt(head)}"))
    return findings


def _script_problem(match: re.Match[str], page: Path, site_root: Path) -> str | None:
    attributes = _attributes(match.group(1))
    body = match.group(2)
    source = attributes.get("src")
    if source is not None:
        source = source.strip()
        if re.match(r"(?:https?:)?//", source, re.IGNORECASE):
            return None  # a fetch from another host: reported as such
        if re.match(r"[a-z][a-z0-9+.-]*:", source, re.IGNORECASE):
            return f"script not from the project's assets: {_excerpt(source)}"
        path = unquote(re.split(r"[?#]", source)[0])
        if path.startswith("/"):
            # Path-absolute (404 pages): the site's own folder, wherever it is published.
            parts = PurePosixPath(path).parts
            mounted = [
                index
                for index, part in enumerate(parts[:-2])
                if part == site_root.name and parts[index + 1] == "assets"
            ]
            if mounted and ".." not in parts:
                return None
            return f"script not from the project's assets: {_excerpt(source)}"
        target = Path(os.path.normpath(page.parent / path))
        if not target.is_relative_to(site_root / "assets"):
            return f"script not from the project's assets: {_excerpt(source)}"
        return None
    kind = attributes.get("type", "").strip().lower()
    if kind == "application/json" and attributes.get("id") == "__config":
        return None  # Material's configuration (data, not script)
    known = _known_inline_scripts()
    if known is not None and known.fullmatch(body):
        return None
    return f"script not from the project: {_excerpt(body) or '(empty)'}"


def _excerpt(text: str) -> str:
    """A short, redacted piece of what was found."""
    short = " ".join(text.split())
    short = short if len(short) <= 60 else short[:57] + "..."
    return redact(short)


def _external_fetches(text: str) -> list[str]:
    urls = []
    for match in _FETCHING.finditer(text):
        tag_text = match.group(0)
        if match.group(2) and _NON_FETCHING_REL.search(tag_text):
            continue
        urls.append(next(group for group in match.groups() if group))
    urls += _CSS_URL.findall(text)
    return sorted(set(urls))


# ------------------------------------------------------------------------------- entry


def audit_sites(
    site_dir: Path, config: Config, inputs: Inputs | None = None, jobs: int | None = None
) -> list[Finding]:
    """Every finding in every client site under `site_dir`, and in the landing pages.
    `inputs` (the CSVs as read for the build) adds the search for personal-data values.
    `jobs`: processes to use (default: one per CPU for a large portfolio, else one)."""
    site_dir = Path(site_dir)
    targets = _targets(config, inputs)
    clients = [client for client in config.clients if (site_dir / client.id).is_dir()]
    if jobs is None:
        jobs = min(os.cpu_count() or 1, len(clients) // 16)
    jobs = max(1, min(jobs, len(clients)))
    by_client: dict[str, list[Finding]] = {}
    if jobs > 1:
        share = [[client.id for client in clients[start::jobs]] for start in range(jobs)]
        try:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded process
            with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                parts = [
                    pool.submit(_audit_clients, site_dir, config, targets, ids) for ids in share
                ]
                for part in parts:
                    by_client.update(part.result())
        except (OSError, BrokenProcessPool):
            by_client = {}  # no processes to be had here: do it in this one
    if len(by_client) < len(clients):
        by_client = _audit_clients(site_dir, config, targets, [client.id for client in clients])
    findings = [finding for client in clients for finding in by_client[client.id]]
    return findings + _Auditor(site_dir, targets).landing()


def _audit_clients(
    site_dir: Path, config: Config, targets: _Targets, client_ids: list[str]
) -> dict[str, list[Finding]]:
    auditor = _Auditor(site_dir, targets)
    return {
        client_id: auditor.client(config.client(client_id), site_dir / client_id)
        for client_id in client_ids
    }


class SiteAudit:
    """The audit of a build, site by site as each is made: what to look for is found once
    (before the build's worker processes are forked, which then share it)."""

    def __init__(self, site_dir: Path, config: Config, inputs: Inputs | None = None) -> None:
        self.config = config
        self._auditor = _Auditor(Path(site_dir), _targets(config, inputs))

    def client(self, client_id: str, client_dir: Path) -> list[Finding]:
        """The findings of one client's site, wherever it was built."""
        return self._auditor.client(self.config.client(client_id), Path(client_dir))

    def landing(self) -> list[Finding]:
        return self._auditor.landing()
