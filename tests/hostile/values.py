"""Hostile values: what an audit of the site sent to every parameter, in categories.

A value is text to send. `RAW_QUERIES` are query-string fragments sent exactly as written
(malformed percent-encoding, which no client would produce from text). Every markup payload
calls `hostile(…)`, so a response can be searched for any of them still being live.
"""

import sys
import unicodedata
from dataclasses import dataclass

MARKER = "hostile"


@dataclass(frozen=True)
class Value:
    category: str
    text: str

    def __repr__(self) -> str:
        shown = self.text if len(self.text) <= 60 else f"{self.text[:60]}…({len(self.text)})"
        return f"{self.category}:{shown!r}"


# Script injection in every HTML context: element content, quoted and unquoted attributes,
# URLs, <script> and <style> blocks, comments, <title>/<textarea>, templates, SVG and MathML.
MARKUP = [
    "<script>hostile(1)</script>",
    "</script><script>hostile(2)</script>",
    '"><script>hostile(3)</script>',
    "'><script>hostile(4)</script>",
    '" onmouseover="hostile(5)',
    "' onfocus='hostile(6)' autofocus='",
    " onload=hostile(7) ",
    "<img src=x onerror=hostile(8)>",
    '<img src="x" onerror="hostile(9)">',
    "<svg onload=hostile(10)>",
    "<svg><script>hostile(11)</script></svg>",
    "<math><mtext><script>hostile(12)</script></mtext></math>",
    "javascript:hostile(13)",
    "JaVaScRiPt:hostile(14)",
    "java\tscript:hostile(15)",
    "data:text/html,<script>hostile(16)</script>",
    "</title><script>hostile(17)</script>",
    "</textarea><script>hostile(18)</script>",
    "</style><script>hostile(19)</script>",
    "--><script>hostile(20)</script><!--",
    "<iframe src=javascript:hostile(21)>",
    "<body onload=hostile(22)>",
    "<details open ontoggle=hostile(23)>",
    "<a href=javascript:hostile(24)>x</a>",
    '<a href="javascript:hostile(25)">x</a>',
    "<input autofocus onfocus=hostile(26)>",
    "{{ hostile }}{% debug %}",
    "${hostile(28)}",
    "<!--<script>hostile(29)</script>-->",
    "&lt;script&gt;hostile(30)&lt;/script&gt;",
    "&#60;script&#62;hostile(31)&#60;/script&#62;",
    "\\u003cscript\\u003ehostile(32)\\u003c/script\\u003e",
    "<scr<script>ipt>hostile(33)</scr</script>ipt>",
    '<object data="javascript:hostile(34)">',
    "<embed src=javascript:hostile(35)>",
    '<form action="javascript:hostile(36)"><button>x</button></form>',
    "<style>@import 'javascript:hostile(37)';</style>",
    '<div style="background:url(javascript:hostile(38))">',
    "<base href=javascript:hostile(39)//>",
    '<meta http-equiv="refresh" content="0;url=javascript:hostile(40)">',
    "`-hostile(41)-`",
    "';hostile(42);//",
    '";hostile(43);//',
    "</script>",
    "<!--",
    "]]><script>hostile(44)</script>",
    "<?xml version='1.0'?><x>hostile</x>",
    "<![CDATA[<script>hostile(45)</script>]]>",
    "<mark>hostile</mark>",
    "<b>**hostile**</b> [x](javascript:hostile(46))",
]

# Full-text search syntax of SQLite FTS5 and PostgreSQL tsquery, and SQL.
SEARCH_SYNTAX = [
    '"',
    '""',
    '"unclosed',
    "*",
    "**",
    "a*",
    "*a",
    "NEAR(a b)",
    "NEAR(",
    "a OR b",
    "OR",
    "AND",
    "NOT",
    "a NOT b",
    "-a",
    "+a",
    "^a",
    "a:b",
    "title:a",
    "{title summary}:a",
    "(",
    ")",
    "(a",
    "a)",
    "a & b",
    "a | b",
    "!a",
    "a <-> b",
    "a <2> b",
    "'a'",
    "a:*",
    "a:*A",
    "&",
    "|",
    "!",
    "<->",
    ":",
    "\\",
    "\\\\",
    "%",
    "%%",
    "_",
    "a%b_",
    "[a-z]",
    "a{2}",
    "$1",
    "?",
    "??",
    "' OR '1'='1",
    "' OR 1=1 --",
    "'; DROP TABLE kb_entry; --",
    '"; DROP TABLE kb_tag; --',
    "1; SELECT pg_sleep(10)",
    "1' AND SLEEP(10) --",
    "' UNION SELECT password FROM auth_user --",
    "1 UNION SELECT NULL,NULL",
    "randomblob(1000000000)",
    "zeroblob(999999999)",
    "pg_sleep(10)",
    "/*",
    "*/",
    "--",
    ";",
    "''",
    "\\'",
    '\\"',
    "%27",
    "%22",
    "%00",
    "клиент OR NOT клиент",
    "клиент* NEAR(сроки*)",
    "ё",
    "Ё*",
    "лиент~",
    "клиент^2",
]

# Numbers: huge, negative, fractional, non-ASCII digits, not numbers at all.
NUMBERS = [
    "0",
    "-0",
    "-1",
    "-999999999999999999999",
    "1" * 19,
    "9" * 20,
    "9" * 400,
    "2147483648",
    "9223372036854775808",
    "18446744073709551616",
    "1e309",
    "-1e309",
    "1e-309",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
    "1.5",
    "1,5",
    ".5",
    "5.",
    "+1",
    " 1",
    "1 ",
    "01",
    "00000000000000000001",
    "²",
    "³",
    "¹²",
    "١",
    "١٢٣",
    "٣٤",
    "۴",
    "߄",
    "५",
    "๕",
    "໕",
    "༥",
    "၅",
    "៥",
    "᠕",
    "１２",
    "Ⅻ",
    "½",
    "1/2",
    "true",
    "false",
    "null",
    "None",
    "undefined",
    "[]",
    "{}",
    "1;1",
    "1 1",
    "1\n1",
    "1e3",
    "-",
    "+",
    "e",
    "0.0.0",
]

# Control characters: C0, DEL, C1, and NUL in every position.
CONTROLS = [
    *(chr(code) for code in range(0x20)),
    "\x7f",
    *(chr(code) for code in range(0x80, 0xA0)),
    "\x00a",
    "a\x00",
    "a\x00b",
    "\x00" * 50,
    "клиент\x00",
    "\r\n\r\nX-Injected: 1",
    "a\rb",
    "a\nb",
    "\t\t\t",
    "\x1b[31m",
    "\x08\x08\x08",
]

# Lone surrogates: sent percent-encoded as the bytes an encoder that allows them makes.
SURROGATES = ["\ud800", "\udfff", "\udc00", "a\ud800b", "\ud83d", "\ude00", "\ud800\ud800"]

# Right-to-left overrides, zero-width and other invisible or combining characters.
INVISIBLE = [
    "\u202e",
    "\u202ehostile\u202c",
    "\u200f",
    "\u200e",
    "\u061c",
    "\u2066a\u2069",
    "\u2067",
    "\u2068",
    "\u202a",
    "\u202b",
    "\u202d",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u180e",
    "\u3164",
    "\u115f",
    "\u034f",
    "a\u0301\u0301\u0301",
    "e" + "\u0301" * 500,
    "\u0e47" * 100,
    "\ufff9a\ufffab\ufffb",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\U000e0001\U000e0041",
    "\U0001f3f4\U000e0067\U000e0062\U000e007f",
    "\u2028",
    "\u2029",
    "\u0085",
    "\u00a0",
    "\u3000",
    "\u2003",
    "кли\u200bент",
    "\u202eтнеилк",
    "كلمة\u200fclient",
    "שלום \u202a hi",
]

# Long values: 10,000 characters of several kinds, and long repetitions of syntax.
LONG = [
    "a" * 10_000,
    "я" * 10_000,
    "ё" * 10_000,
    "<" * 10_000,
    "%" * 10_000,
    '"' * 10_000,
    "*" * 10_000,
    "(" * 10_000,
    "\u200b" * 10_000,
    "😀" * 10_000,
    "клиент " * 1_429,
    "a-" * 5_000,
    "\\" * 10_000,
    "' OR 1=1 " * 1_100,
    "<script>hostile(99)</script>" * 357,
    "9" * 10_000,
    "-" * 10_000,
    "." * 10_000,
    "/" * 10_000,
    "&" * 10_000,
]

# Malformed percent-encoding and raw bytes, sent exactly as written in the query string.
RAW_QUERIES = [
    "%",
    "%%",
    "%%%",
    "%2",
    "%zz",
    "%G0",
    "%0",
    "%00",
    "%0%0",
    "%ff",
    "%FF%FE",
    "%C0%AF",
    "%C0%80",
    "%E0%A4",
    "%E0%80%AF",
    "%ED%A0%80",
    "%ED%BF%BF",
    "%F4%90%80%80",
    "%F8%88%80%80%80",
    "%FE%FF",
    "%EF%BB%BF",
    "%u0041",
    "%U0041",
    "%%41",
    "%4",
    "%4G",
    "%D0",
    "%D0%D0%D0",
    "%E2%80%AE",
    "%3Cscript%3Ehostile(60)%3C%2Fscript%3E",
    "%253Cscript%253E",
    "%2525",
    "a%00b",
    "%0D%0ASet-Cookie:%20x=1",
    "+",
    "++",
    "%2B",
    "&&&",
    "==",
    "=%3D",
]


def script_samples() -> list[str]:
    """Short texts in every script Unicode assigns letters to: the first letters of each
    128-character block that has any, up to the supplementary planes."""
    samples = []
    for start in range(0x80, 0x31350, 0x80):
        letters = [
            chr(code)
            for code in range(start, start + 0x80)
            if unicodedata.category(chr(code)).startswith("L")
        ]
        if letters:
            samples.append("".join(letters[:12]))
    return samples


def all_values() -> list[Value]:
    values = [
        *(Value("markup", text) for text in MARKUP),
        *(Value("search syntax", text) for text in SEARCH_SYNTAX),
        *(Value("number", text) for text in NUMBERS),
        *(Value("control", text) for text in CONTROLS),
        *(Value("surrogate", text) for text in SURROGATES),
        *(Value("invisible", text) for text in INVISIBLE),
        *(Value("long", text) for text in LONG),
        *(Value("script", text) for text in script_samples()),
    ]
    return list(dict.fromkeys(values))


VALUES = all_values()

if __name__ == "__main__":  # pragma: no cover - a count for the README
    sys.stdout.write(f"{len(VALUES)} values, {len(RAW_QUERIES)} raw query fragments\n")
