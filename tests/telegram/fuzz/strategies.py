"""What the fuzz test generates: the edge cases and nasty texts it draws from, one update of
each kind, a couple's own life, whole scripts, and the scripts that once broke the bot."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from bot.channels.telegram.handlers import BUTTON_DONE, PRIVATE_ONLY
from bot.core import texts
from bot.core.handle import COMMANDS, DESCRIPTIONS
from bot.core.progress import LABELS
from tests.helpers.service import LIBRARY
from tests.helpers.telegram.offline import BOT

EXAMPLES = 280  # scripts of up to 13 updates: about 1,400 updates a run
MIN_UPDATES = 1_000
MAX_TEXT = 4096  # Telegram's limit for one message
MAX_CAPTION = 1024
MAX_ANSWER = 200  # Telegram's limit for a callback query answer
SHORT = 1_500  # the bot's own words in one message, once what people typed is taken out
SPLIT = 1_800  # a piece this long next to another piece to the same chat was cut from one
MIN_WORD = 12  # typed texts at least this long are watched for leaks
SAFE_LONG = 600  # longer generated texts carry no braces or error-like words (see `_tame`)
SHOWN_FAILURES = 12

NAMES = {
    101: "Alex",
    102: "Sam",
    201: "Robin",
    202: "Kim",
    301: "Noor",
    302: "Yusuf",
    401: "Lee",
    402: "Ana",
    501: "Jo",
    601: "Mika",
    602: "Ren",
}
COUPLES = (
    (101, 102, "Europe/Berlin", "Europe/Berlin"),
    (201, 202, "America/New_York", "Asia/Tokyo"),
    (301, 302, "UTC+05:30", None),
)
USERS = tuple(NAMES)  # 601 and 602 first write during the fuzzing
GROUPS = ((-4001, "group"), (-1001000000001, "supergroup"), (-1001000000002, "supergroup"))
CHANNEL = -1001000000099
BOT_NAME = str(BOT["username"])

# The bot's own sentences: typed words found in them are not evidence of a leak.
CORPUS = tuple(
    [value for value in vars(texts).values() if isinstance(value, str)]
    + [prompt.text for prompt in LIBRARY.prompts.values()]
    + [PRIVATE_ONLY, BUTTON_DONE, *DESCRIPTIONS.values(), *LABELS.values()]
)
FORBIDDEN = re.compile(r"Traceback|\w*(?:Error|Exception)\b|\bNone\b|[{}]")
ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);")
SECRET = re.compile(r"~secret-(\d+)-\d+~")

# -- what people send -----------------------------------------------------------------------

NASTY = (
    "<b>",
    "</i>",
    "<script>alert(1)</script>",
    '<a href="tg://user?id=1">x</a>',
    "&amp;",
    "&#x41;",
    "&",
    "<",
    ">",
    "*bold*",
    "_it_",
    "[link](http://x.y)",
    "`code`",
    "||spoiler||",
    "\\",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u3000",
    "🏳️‍🌈",
    "👩‍❤️‍💋‍👨",
    "🇩🇪",
    "{partner}",
    "{0}",
    "{}",
    "{name!r}",
    "%s",
    "None",
    "Error",
    "/start",
    "İ",
    "ß",
    "ﬁ",
    "שלום",
    "مرحبا",
    "\u0301\u0301\u0301",
    " ",
)
# Arguments people may type after a command (or on their own when asked for them), each kind
# as (edge cases, ordinary values). The edges include digits str.isdigit() accepts but int()
# does not (², 𝟕), digits both accept (٣), numbers past any id, and the ends of the calendar.
NUMBERS = ("²", "¹²", "𝟕", "٣", "99999999999999999999999", "9223372036854775808", "-1", "0", "61")
NUMBERS_OK = ("", "1", "7", "60", "+3", "1.5", "1e3", "seven", " 7 ")
TIMES = ("²0:30", "20:3²", "١٢:٣٠", "𝟐𝟎:𝟑𝟎", "24:00", "23:60", "-1:00", "999", "2400", "1:2:3")
TIMES_OK = ("20:30", "7:45", "2030", "20.30", "20h30", "0:00", "23:59", "noon", "20:30:00")
DAYS = ("9999-12-31", "0001-01-01", "2026-02-30", "²", "٢٠٢٦-١٢-٠٥", "2026-W49-6", "20261205")
DAYS_OK = ("2026-12-05", "2026-12-01", "2026-12-24", "1970-01-01")
WHENS = (*DAYS, *(f"{day} {at}" for day in DAYS[:3] for at in ("00:00", "19:00", "23:59")))
WHENS += ("fri ²0:30", "sun 24:00", "mon 7:45 extra", "today 00:00", "tomorrow 23:59")
WHENS_OK = ("cancel", "CANCEL", "fri", "fri 19:30", "today", "tomorrow", "2026-12-24 19:00")
ZONES: tuple[str, ...] = ("UTC+14:00", "UTC+14:01", "+99", "-00:60", "+١٢", "+²", "Etc/GMT+12")
ZONES += ("Mars/Olympus", "../../etc/passwd", "Europe/" + "x" * 80, "Pacific/Kiritimati")
ZONES_OK = ("Europe/Berlin", "berlin", "BERLIN", "new york", "utc", "z", "+05:45", "GMT-12")
STOLEN = "<<a code shown to someone>>"
CODES = (STOLEN, "k7mq-2xrt-9b", "K7MQ 2XRT 9B", "0000000000", "ÄBCDEFGHJK", "ＡＢＣＤＥＦＧＨＪＫ")
CODES_OK = (STOLEN, "K7MQ2XRT9B", "SHORT", "ABCDEFGHJKM")
EDGES = {
    "pause": (NUMBERS, NUMBERS_OK),
    "time": (TIMES, TIMES_OK),
    "date": (WHENS, WHENS_OK),
    "timezone": (ZONES, ZONES_OK),
    "pair": (CODES, CODES_OK),
    "start": (CODES, CODES_OK),
}
JUNK_ARGS = tuple(dict.fromkeys(v for pair in EDGES.values() for values in pair for v in values))
JUNK_ARGS += ("lovely", "yes", "{partner}", "<b>x</b>")
WEIRD_NAMES = (
    "",
    " ",
    "\u202eevil",
    "<b>Bob</b>",
    "&amp;",
    "{partner}",
    "None",
    "\x00\x07",
    "\u200b",
    "😀" * 70,
    "Ω" * 200,
    "Élodie",
    "שרה",
)
ACTIONS: tuple[str, ...] = ("tz", "unpair", "skip", "deep", "hug", "appr", "thank", "goal")
ACTIONS += ("save", "dateday", "datehow", "dateyes", "datelater", "someday", "erase", "set")
ACTIONS += ("ok", "")
TEMPLATES = (
    "unpair:yes:{couple}",
    "unpair:no:{couple}",
    "skip:{conversation}",
    "deep:{conversation}",
    "hug:{couple}:{day}",
    "appr:{couple}",
    "thank:{appreciation}",
    "goal:{goal}",
    "save:{answer}",
    "dateday:{day}:{couple}",
    "datehow:lovely:{plan}",
    "datehow:no:{plan}",
    "dateyes:{plan}",
    "datelater:{plan}",
    "dateday:{day}:{couple}:{someday}",
    "someday:plan:{someday}",
    "someday:drop:{someday}",
    "set:time:{couple}",
    "set:zone:{couple}",
    "set:toggle:{rhythm}:{couple}",
    "set:day:{weekday}:{couple}",
    "erase:yes:{member}",
    "erase:no:{member}",
    "tz:{zone}",
)
MEDIA: dict[str, dict[str, Any]] = {
    "voice": {"file_id": "v", "file_unique_id": "uv", "duration": 3},
    "video_note": {"file_id": "n", "file_unique_id": "un", "length": 240, "duration": 4},
    "sticker": {
        "file_id": "s",
        "file_unique_id": "us",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    },
    "video": {"file_id": "vi", "file_unique_id": "uvi", "width": 1, "height": 1, "duration": 1},
    "audio": {"file_id": "a", "file_unique_id": "ua", "duration": 9},
    "animation": {"file_id": "g", "file_unique_id": "ug", "width": 1, "height": 1, "duration": 1},
    "document": {"file_id": "d", "file_unique_id": "ud"},
}
PHOTO = [{"file_id": "p", "file_unique_id": "up", "width": 90, "height": 90}]
OTHER: dict[str, dict[str, Any]] = {
    "location": {"location": {"latitude": 52.5, "longitude": 13.4}},
    "venue": {
        "venue": {
            "location": {"latitude": 1.0, "longitude": 2.0},
            "title": "Café",
            "address": "<b>Street</b> 1",
        }
    },
    "contact": {"contact": {"phone_number": "+100", "first_name": "Someone"}},
    "poll": {
        "poll": {
            "id": "p1",
            "question": "Q?",
            "options": [
                {"text": "a", "voter_count": 0, "persistent_id": "a"},
                {"text": "b", "voter_count": 0, "persistent_id": "b"},
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    },
    "dice": {"dice": {"emoji": "🎲", "value": 6}},
    "web_app_data": {"web_app_data": {"data": "{}", "button_text": "Open"}},
    "pinned": {
        "pinned_message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    },
    "nothing": {},
}


def _tame(text: str) -> str:
    """No braces or error-like words: long texts are split across messages, where the bot's
    words around them can no longer be told from theirs."""
    while True:
        tamed = re.sub(r"None|Error|Exception|Traceback|[{}]", "_", text)
        if tamed == text:
            return text
        text = tamed


def _bytes64(text: str) -> str:
    """At most 64 bytes of UTF-8, as Telegram allows for button data."""
    return text.encode()[:64].decode(errors="ignore")


def _edgy(edges: tuple[str, ...], ordinary: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(edges), st.sampled_from(ordinary))


characters = st.characters(codec="utf-8")
short_text = st.text(characters, max_size=40)
mixed_text = st.lists(st.one_of(st.sampled_from(NASTY), short_text), min_size=1, max_size=12).map(
    "".join
)
long_text = st.builds(
    lambda unit, size: _tame((unit * (size // max(1, len(unit)) + 1))[:size]),
    st.one_of(
        st.sampled_from(NASTY),
        st.text(characters, min_size=1, max_size=30),
        st.sampled_from(["a", " ", "\n", "\t", "\u3000", "\u200b", "x ", "word\n\n"]),
    ),
    st.integers(SAFE_LONG + 1, 10_000),
)
any_text = st.one_of(mixed_text, mixed_text, short_text, long_text, st.sampled_from(NASTY))
typed = st.one_of(any_text, any_text, *(_edgy(*EDGES[name]) for name in ("time", "date")))
profile = st.fixed_dictionaries(
    {},
    optional={
        "first_name": st.one_of(st.sampled_from(WEIRD_NAMES), short_text),
        "last_name": short_text,
        "username": st.sampled_from(["someone", "x_y_z", "a" * 32]),
        "language_code": st.sampled_from(["en", "de", "ar", "he", "pt-br", ""]),
        "is_premium": st.booleans(),
    },
)


@dataclass
class Private:
    """A message in a private chat: text, a command, media or something else."""

    user: int
    content: dict[str, Any]
    edited: bool = False
    profile: dict[str, Any] = field(default_factory=dict)
    reply_to: int | None = None  # an index into message ids the bot sent
    secret: bool = False  # ends with a marker that must only ever reach the couple
    forwarded: bool = False
    entity: bool = True


@dataclass
class Press:
    """A pressed button; `source` says where its data comes from."""

    user: int
    source: str
    pick: int = 0
    junk: str = ""
    template: str = ""
    junk_id: str | None = None  # in place of every id the template names
    day: str = "2026-12-05"
    variant: str = "normal"
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass
class Public:
    """Traffic from a group, a supergroup or the channel."""

    chat: int
    kind: str
    user: int | None
    content: dict[str, Any]
    status: str = "member"


@dataclass
class Membership:
    """The bot blocked, or started again, in a private chat."""

    user: int
    status: str


@dataclass
class Stray:
    """Updates no handler takes: inline queries, reactions, join requests, poll answers."""

    kind: str
    user: int


@dataclass
class Tick:
    """Time passes and the scheduler runs (not an update, so not counted)."""

    minutes: int


@dataclass
class Heal:
    """Couples that came apart are paired again (as before every script)."""


users = st.sampled_from(USERS)
paired = st.sampled_from([person for couple in COUPLES for person in couple[:2]])
generic_args = st.one_of(st.sampled_from(JUNK_ARGS), short_text, mixed_text, long_text)


def _arguments(name: str) -> st.SearchStrategy[str]:
    """What follows a command: mostly what it expects, sometimes anything."""
    if name not in EDGES:
        return st.one_of(st.just(""), generic_args)
    expected = _edgy(*EDGES[name])
    return st.one_of(expected, expected, generic_args)


known_command = st.sampled_from(sorted(COMMANDS)).flatmap(
    lambda name: st.tuples(st.sampled_from([name, name, name.upper()]), _arguments(name))
)
argued_command = st.sampled_from(sorted(EDGES)).flatmap(
    lambda name: st.tuples(st.just(name), _edgy(*EDGES[name]))
)
unknown_command = st.tuples(
    st.one_of(
        st.sampled_from(["", "x", "unknown", "pair_", "_", "123", "пара", "ǅ", "a" * 80, "a-b"]),
        st.text(st.characters(categories=["L", "Nd"]), min_size=1, max_size=8),
    ),
    generic_args,
)
commands = st.builds(
    lambda command, suffix, sep: {"text": f"/{command[0]}{suffix}{sep}{command[1]}".rstrip(" ")},
    st.one_of(known_command, known_command, argued_command, argued_command, unknown_command),
    st.sampled_from(["", "", f"@{BOT_NAME}", "@other_bot", "@", f"@{BOT_NAME.upper()}"]),
    st.sampled_from([" ", " ", "  ", "\n", "\t", ""]),
)
media = st.one_of(
    st.builds(lambda kind: {kind: MEDIA[kind]}, st.sampled_from(sorted(MEDIA))),
    st.just({"photo": PHOTO}),
).flatmap(
    lambda body: st.one_of(
        st.just(body), st.builds(lambda caption: {**body, "caption": caption}, mixed_text)
    )
)
others = st.sampled_from(sorted(OTHER)).map(lambda kind: dict(OTHER[kind]))
replies = st.none() | st.integers(0, 10_000)
private_texts = st.builds(
    Private,
    user=users,
    content=typed.map(lambda text: {"text": text}),
    edited=st.booleans(),
    profile=profile,
    reply_to=replies,
    secret=st.booleans(),
    forwarded=st.booleans(),
)
private_commands = st.builds(
    Private,
    user=users,
    content=commands,
    edited=st.sampled_from([False, False, False, True]),
    profile=profile,
    entity=st.booleans(),
)
private_media = st.builds(
    Private,
    user=users,
    content=media,
    edited=st.booleans(),
    profile=profile,
    reply_to=replies,
    secret=st.booleans(),
)
private_others = st.builds(
    Private, user=users, content=others, edited=st.booleans(), profile=profile
)
FORGED = ["mine", "theirs"]  # data made from a template and some couple's real ids
presses = st.builds(
    Press,
    user=users,
    source=st.sampled_from(
        ["own", "own", "partner", "other", "other", "replay", "junk"] + FORGED * 3
    ),
    pick=st.integers(0, 10_000),
    junk=st.one_of(
        st.text(characters, max_size=64).map(_bytes64),
        st.builds(
            lambda action, args: _bytes64(":".join([action, *args])),
            st.sampled_from(ACTIONS),
            st.lists(st.sampled_from(JUNK_ARGS), max_size=3),
        ),
    ),
    template=st.sampled_from(TEMPLATES),
    junk_id=st.none() | _edgy(NUMBERS, NUMBERS_OK),
    day=_edgy(DAYS, DAYS_OK),
    variant=st.sampled_from(["normal", "normal", "no-markup", "no-message", "inaccessible"]),
    profile=profile,
)
publics = st.builds(
    Public,
    chat=st.sampled_from([chat for chat, _ in GROUPS] + [CHANNEL]),
    kind=st.sampled_from(["message", "edited_message", "callback", "my_chat_member"]),
    user=st.none() | users,
    content=st.one_of(
        any_text.map(lambda text: {"text": text}), commands, media, others, st.just({})
    ),
    status=st.sampled_from(["member", "administrator", "left", "kicked"]),
)
memberships = st.builds(Membership, user=users, status=st.sampled_from(["kicked", "member"]))
strays = st.builds(
    Stray,
    kind=st.sampled_from(["inline_query", "message_reaction", "chat_join_request", "poll_answer"]),
    user=users,
)
ticks = st.builds(Tick, minutes=st.integers(1, 6 * 60))
one_update = st.one_of(
    *[private_texts] * 3,
    *[private_commands] * 4,
    private_media,
    private_others,
    *[presses] * 4,
    publics,
    memberships,
    strays,
)
edge_command = st.sampled_from(sorted(EDGES)).flatmap(
    lambda name: st.tuples(st.just(name), st.sampled_from(EDGES[name][0]))
)
edge_case = st.one_of(
    st.builds(
        lambda user, command: [Private(user=user, content={"text": f"/{command[0]} {command[1]}"})],
        paired,
        edge_command,
    ),
    st.builds(
        lambda user, command: [
            Private(user=user, content={"text": f"/{command[0]}"}),  # asks for it...
            Private(user=user, content={"text": command[1]}),  # ...and this is the answer
        ],
        paired,
        edge_command,
    ),
    st.builds(
        lambda press: [press],
        st.builds(
            Press,
            user=paired,
            source=st.sampled_from(FORGED),
            pick=st.integers(0, 10_000),
            template=st.sampled_from(TEMPLATES),
            junk_id=st.none() | st.sampled_from(NUMBERS),
            day=st.sampled_from(DAYS),
        ),
    ),
)


def _life(couple: tuple[Any, ...], kind: str, first: str, second: str, flip: bool) -> list[Any]:
    """A couple doing what couples do here, with words that must stay between them."""
    a, b = (couple[1], couple[0]) if flip else (couple[0], couple[1])
    if kind in ("checkin", "ask"):  # both answer, so the answers are revealed to each other
        answer: dict[str, Any] = {"text": first}
        if kind == "ask":
            answer = {"voice": MEDIA["voice"], "caption": first}
        return [
            Tick(minutes=24 * 60),  # a new day, with a new question
            Private(user=a, content={"text": f"/{kind}"}),
            Private(user=a, content=answer, secret=True),
            Private(user=b, content={"text": second}, secret=True),
        ]
    return [
        Private(user=a, content={"text": f"/{kind} {first}"}, secret=True),
        Private(user=b, content={"text": f"/{kind} {second}"}, secret=True),
    ]


life = st.builds(
    _life,
    st.sampled_from(COUPLES),
    st.sampled_from(["checkin", "checkin", "ask", "appreciate", "goal", "win"]),
    any_text,
    any_text,
    st.booleans(),
)
scripts = st.builds(
    lambda updates, lives, edge: [*updates, *lives, *edge],
    st.lists(st.one_of(one_update, one_update, one_update, ticks), max_size=6),
    st.one_of(st.just([]), life),
    edge_case,
)


# Scripts that once broke the bot, run first on every run (hypothesis's explicit examples).
REGRESSIONS: list[list[Any]] = [
    [Private(user=101, content={"text": "/pause ²"})],
    [Private(user=101, content={"text": "/time"}), Private(user=101, content={"text": "²0:30"})],
    [Private(user=201, content={"text": "/date 9999-12-31"})],
    [Private(user=101, content={"text": "/date 0001-01-01 00:00"})],
    [Press(user=101, source="junk", junk="thank:²")],
    [Press(user=101, source="junk", junk="goal:99999999999999999999999")],
    [Press(user=101, source="mine", template="dateday:{day}:{couple}", day="9999-12-31")],
    # An answer of 9,000 tabs: the reveal is cut into pieces, one of them all tabs.
    [
        Tick(minutes=24 * 60),
        Private(user=101, content={"text": "/checkin"}),
        Private(user=101, content={"text": "an answer"}),
        Private(user=102, content={"text": "\t" * 9_000}),
    ],
    # Alex (member 1) erases their data, comes back, is paired again and appreciates anew.
    [
        Private(user=101, content={"text": "/appreciate words before"}),
        Press(user=101, source="junk", junk="erase:yes:1"),
        Private(user=101, content={"text": "back again"}),
        Heal(),
        Private(user=101, content={"text": "/appreciate words after"}),
    ],
]
