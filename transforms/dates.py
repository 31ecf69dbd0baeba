"""Dates in the text: time expressions found with yargy rules, resolved against the publication date.

`tag_dates(articles, parser)` reads `article_id`, `text`, `language` and
`published_date` and returns DATE_MENTIONS_SCHEMA rows:
- `article_id`, `start`, `stop`: the expression's characters in `text`,
  with its preposition («в декабре», «с 2013 года», «в начале марта»);
- `text`: the expression as written;
- `value`: the first day of the period it names;
- `precision`: `day`, `week`, `month`, `season` or `year`.

What is understood (`published` is the article's publication date):
- full dates: «1 сентября 2024 года», «01.09.2024», «сентябрь 2024 года»;
- day and month, or month alone: «6 января», «в декабре» — in the publication
  year, or the year before when the month is later than the publication month;
- a range «15–16 марта»: two rows with the same span, one for each end (day);
- years: «в 2025 году», «2025 г.», «с 2013»;
- relative: «в прошлом/этом/следующем году/месяце», «на прошлой/этой неделе»
  (week: its Monday), «вчера», «позавчера», «накануне», «сегодня», «завтра»,
  «год/месяц/неделю/день назад»;
- weekdays: «в понедельник» is the last Monday up to publication (the day
  itself in a Monday article; tag-events dates a future event's weekday forward);
- found by patterns beside the grammar (`pattern_mentions`): bare years
  («2017», «в 2011-м»), «COVID-19» (2019), «через два года», «3 года назад»,
  and durations, precision `duration` with no value: «три года», «в течение
  нескольких дней», «около 30 лет» (not ages: «ему было 45 лет»);
- seasons: «весной 2025 года», «прошлой осенью» (winter starts on 1 December
  of the year before).
Expressions that need the publication date are left out when it is unknown.

Speed: yargy with morphology costs about 0.2 s per long article when run over
the whole text (natasha's DatesExtractor does that). Here a cheap regex first
finds the words a date expression must contain (month names, years, weekdays,
«вчера», «неделе», ...) and only short windows around them are looked at. A
window is then cut at the tokens no terminal of the grammar accepts («царила»,
«,», «двенадцатого»): a match never contains one, so the parser sees only the
pieces between them (60% fewer tokens) and finds the same matches. A piece's
matches are cached by its text («в», «сегодня», «в 2017 году» recur: about 70%
hits). On 1,000 news articles this cut tag_dates from 9-11 to about 4 CPU-seconds;
most of the rest is pymorphy on the windows' words. One window that breaks the
parser is skipped and reported; the article and the batch go on.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
from natasha.extractors import Parser
from yargy import and_, or_, rule
from yargy.interpretation import fact
from yargy.predicates import caseless, dictionary, eq, gte, in_, in_caseless, length_eq, lte, normalized
from yargy.rule.bnf import is_rule

from transforms.analysis import TAGGED_LANGUAGES
from transforms.schemas import DATE_MENTIONS_SCHEMA

PRECISIONS = ("day", "week", "month", "season", "year", "duration")
DURATION = "duration"  # a length of time («три года»): no point value (`value` is null)

# ---- the grammar -------------------------------------------------------------

DateExpression = fact(
    "DateExpression",
    ["day", "day_end", "month", "year", "offset", "unit", "weekday", "season"],
)

MONTH_STEMS = (
    ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("авг", 8), ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
)  # fmt: skip
MONTH_NAMES = {
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
}
# Accusative forms only: «в среду» is Wednesday, «в среде» is not.
WEEKDAYS = {"понедельник": 0, "вторник": 1, "среду": 2, "четверг": 3, "пятницу": 4, "субботу": 5, "воскресенье": 6}
SEASON_ADVERBS = {"зимой": 12, "весной": 3, "летом": 6, "осенью": 9}
SEASON_NOUNS = {"зима", "весна", "лето", "осень"}
SEASON_STEMS = (("зим", 12), ("весн", 3), ("лет", 6), ("осен", 9))
RELATIVE_WORDS = {"позавчера": -2, "вчера": -1, "накануне": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}
OFFSET_STEMS = (
    ("позапрошл", -2), ("прошл", -1), ("прошедш", -1), ("минувш", -1), ("эт", 0), ("текущ", 0),
    ("нынешн", 0), ("следующ", 1), ("будущ", 1), ("предстоящ", 1),
)  # fmt: skip
OFFSET_WORDS = {
    "позапрошлый",
    "прошлый",
    "прошедший",
    "минувший",
    "этот",
    "текущий",
    "нынешний",
    "следующий",
    "будущий",
    "предстоящий",
}
UNIT_STEMS = (("год", "year"), ("месяц", "month"), ("недел", "week"), ("день", "day"))


def _by_stem(stems, value: str):
    word = value.casefold()
    for stem, result in stems:
        if word.startswith(stem):
            return result
    raise ValueError(f"no stem matches {value!r}")


# Interpretations read the word as written, never pymorphy's normal form: natasha's
# grammar maps normal forms through a dict and raised KeyError: 'маю' on real text.
def month_number(value: str) -> int:
    return _by_stem(MONTH_STEMS, value)


def offset_number(value: str) -> int:
    return _by_stem(OFFSET_STEMS, value)


def unit_name(value: str) -> str:
    return _by_stem(UNIT_STEMS, value)


def season_month(value: str) -> int:
    return SEASON_ADVERBS.get(value.casefold()) or _by_stem(SEASON_STEMS, value)


DAY = and_(gte(1), lte(31)).interpretation(DateExpression.day.custom(int))
DAY_END = and_(gte(1), lte(31)).interpretation(DateExpression.day_end.custom(int))
MONTH = and_(gte(1), lte(12)).interpretation(DateExpression.month.custom(int))
MONTH_NAME = dictionary(MONTH_NAMES).interpretation(DateExpression.month.custom(month_number))
YEAR = and_(length_eq(4), gte(1000), lte(2100)).interpretation(DateExpression.year.custom(int))
YEAR_WORD = or_(rule(caseless("г"), eq(".").optional()), rule(normalized("год")))
DASH = in_("-–—")
WITH_YEAR = rule(YEAR, YEAR_WORD.optional())

YEAR_PREPOSITION = in_caseless({"в", "с", "со", "до", "к", "по", "от", "после"})
UNIT_AGO = in_caseless({"год", "месяц", "неделю", "день"}).interpretation(DateExpression.unit.custom(unit_name))
OFFSET = dictionary(OFFSET_WORDS).interpretation(DateExpression.offset.custom(offset_number))
UNIT = dictionary({"год", "месяц", "неделя"}).interpretation(DateExpression.unit.custom(unit_name))
RELATIVE_DAY = in_caseless(RELATIVE_WORDS).interpretation(
    DateExpression.offset.custom(lambda v: RELATIVE_WORDS[v.casefold()])
)
WEEKDAY = in_caseless(WEEKDAYS).interpretation(DateExpression.weekday.custom(lambda v: WEEKDAYS[v.casefold()]))
SEASON_ADVERB = in_caseless(SEASON_ADVERBS).interpretation(DateExpression.season.custom(season_month))
SEASON_NOUN = dictionary(SEASON_NOUNS).interpretation(DateExpression.season.custom(season_month))

DATE_EXPRESSION = or_(
    rule(DAY, ".", MONTH, ".", YEAR, YEAR_WORD.optional()),  # 01.09.2024
    rule(DAY, DASH, DAY_END, MONTH_NAME, WITH_YEAR.optional()),  # 15–16 марта [2025 года]
    rule(DAY, MONTH_NAME, WITH_YEAR.optional()),  # 6 января [2026 года]
    rule(MONTH_NAME, WITH_YEAR.optional()),  # в декабре [2025 года]
    rule(YEAR, YEAR_WORD),  # в 2025 году
    rule(YEAR_PREPOSITION, YEAR, YEAR_WORD.optional()),  # с 2013 [года]
    rule(UNIT_AGO, caseless("назад").interpretation(DateExpression.offset.const(-1))),  # год назад
    rule(OFFSET, UNIT),  # в прошлом году, на этой неделе
    rule(RELATIVE_DAY),  # вчера
    rule(in_caseless({"в", "во"}), WEEKDAY),  # в понедельник
    rule(SEASON_ADVERB, WITH_YEAR),  # весной 2025 года
    rule(OFFSET, SEASON_NOUN),  # прошлой осенью
).interpretation(DateExpression)

# Words a date expression must contain; the parser only sees text around them.
TRIGGER = re.compile(
    r"\b(?:январ|феврал|март|апрел|ма[йяею]\b|июн|июл|август|сентябр|октябр|ноябр|декабр"
    r"|(?:1[89]|20)\d\d\b|\d{1,2}\.\d{1,2}\.\d{4}"
    r"|год|месяц|недел|назад|(?:поза|после)?завтра|(?:поза)?вчера|сегодня|накануне"
    r"|понедельник|вторник|среду|четверг|пятниц|суббот|воскресень|зим|весн|лет[оаеу]|летом|осен)\w*",
    re.IGNORECASE,
)
# yargy's cost grows with the tokens it sees: the windows reach just far enough,
# e.g. «позапрошлом » before «году», «15–16 » before «марта», « 2025 года» after it.
WINDOW_BEFORE = 14
WINDOW_AFTER = 12
# A preposition (and «начале», «конце», «середине») just before an expression belongs to it.
PRECEDING_PREPOSITION = re.compile(
    r"(?<!\w)(?:в|во|на|с|со|до|к|по|от|за|около|после)\s+(?:(?:начале|конце|середине)\s+)?\Z", re.IGNORECASE
)
PREPOSITION_REACH = 24


@functools.cache
def load_parser(morph_vocab) -> Parser:
    """The yargy parser of DATE_EXPRESSION over natasha's morphology, built once per process."""
    return Parser(DATE_EXPRESSION, morph_vocab)


# ---- resolution ----------------------------------------------------------------


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _year_of(month: int, published: date) -> int:
    """A month later than the publication month is last year's."""
    return published.year if month <= published.month else published.year - 1


def resolve(expression, published: date | None) -> list[tuple[date, str]]:
    """(value, precision) of a DateExpression; two for a range; [] when it cannot be resolved."""
    e = expression
    if e.season is not None:
        if e.year is not None:
            year = e.year
        elif published is not None and e.offset is not None:
            current = published.year if published.month != 12 or e.season != 12 else published.year + 1
            year = current + e.offset
        else:
            return []
        return [(date(year - 1, 12, 1) if e.season == 12 else date(year, e.season, 1), "season")]
    if e.weekday is not None:
        if published is None:
            return []
        back = (published.weekday() - e.weekday) % 7  # «в понедельник» in a Monday article is that day
        return [(published - timedelta(days=back), "day")]
    if e.unit is not None:
        if published is None:
            return []
        if e.unit == "year":
            return [(date(published.year + e.offset, 1, 1), "year")]
        if e.unit == "month":
            return [(_shift_months(published, e.offset), "month")]
        if e.unit == "day":
            return [(published + timedelta(days=e.offset), "day")]
        monday = published - timedelta(days=published.weekday())
        return [(monday + timedelta(weeks=e.offset), "week")]
    if e.offset is not None:  # вчера, сегодня
        return [] if published is None else [(published + timedelta(days=e.offset), "day")]
    if e.month is None:
        return [(date(e.year, 1, 1), "year")]
    year = e.year
    if year is None:
        if published is None:
            return []
        year = _year_of(e.month, published)
    if e.day is None:
        return [(date(year, e.month, 1), "month")]
    days = [e.day] if e.day_end is None else [e.day, e.day_end]
    return [(date(year, e.month, day), "day") for day in days]


# ---- extraction ------------------------------------------------------------------


@dataclass(frozen=True)
class DateMention:
    start: int
    stop: int
    text: str
    value: date | None  # None for a duration
    precision: str


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged spans of text around trigger words, widened to whole words."""
    spans: list[tuple[int, int]] = []
    for match in TRIGGER.finditer(text):
        start = max(0, match.start() - WINDOW_BEFORE)
        start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1 if start > 0 else 0
        stop = min(len(text), match.end() + WINDOW_AFTER)
        ends = [i for i in (text.find(" ", stop), text.find("\n", stop)) if i != -1]
        stop = min(ends) if ends else len(text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(stop, spans[-1][1]))
        else:
            spans.append((start, stop))
    return spans


@functools.cache
def _terminals(parser: Parser) -> tuple:
    """The token tests (predicates) of the parser's grammar."""
    terms = {
        id(term): term for r in parser.rule.as_bnf.rules for p in r.productions for term in p.terms if not is_rule(term)
    }
    return tuple(terms.values())


@functools.lru_cache(
    maxsize=8_192
)  # about 1 MB; 1,600 articles have about 8,800 distinct tokens: 79 % hits, as with 50,000
def _in_grammar(parser: Parser, value: str) -> bool:
    """Whether some terminal accepts the token `value` (a token's tests see only its own text)."""
    (token,) = parser.tokenizer(value)
    return any(test(token) for test in _terminals(parser))


def _pieces(window: str, parser: Parser) -> list[tuple[int, int]]:
    """Spans of the runs of tokens the grammar can use; every match lies inside one of them."""
    pieces: list[tuple[int, int]] = []
    extends = False  # whether the previous token was part of the last piece
    for token in parser.tokenizer.regexp.finditer(window):  # yargy's own tokens, without morphology
        if not _in_grammar(parser, token.group()):
            extends = False
        elif extends:
            pieces[-1] = (pieces[-1][0], token.end())
        else:
            pieces.append(token.span())
            extends = True
    return pieces


@functools.lru_cache(maxsize=1_024)  # about 2 MB; 1,600 articles: 68 % hits, against 72 % with 4,096
def _parse_piece(parser: Parser, piece: str) -> tuple:
    """(start, stop, DateExpression) of the matches in `piece`; unresolved, so safe to share between articles."""
    return tuple((m.span.start, m.span.stop, m.fact) for m in parser.findall(piece))


def _matches(window: str, parser: Parser) -> list[tuple[int, int, object]]:
    """What `parser.findall(window)` finds, as (start, stop, DateExpression), from the window's pieces.

    A match never spans two pieces and the pieces do not overlap, so yargy's choice
    among overlapping matches is made within each piece and comes out the same.
    """
    return [
        (piece_start + start, piece_start + stop, expression)
        for piece_start, piece_stop in _pieces(window, parser)
        for start, stop, expression in _parse_piece(parser, window[piece_start:piece_stop])
    ]


NUMBER_WORDS = (
    r"(?:\d+(?:[.,]\d+)?|один|одн(?:а|о|у|ого|ому|ой|им|ом)|дв(?:а|е|ух|ум|умя)|тр(?:и|ех|ёх|ем|ём|емя|ёмя)|"
    r"четыр(?:е|ех|ёх|ем|ём|ьмя)|пят(?:ь|и|ью)|шест(?:ь|и|ью)|сем(?:ь|и|ью)|восем(?:ь|ью)|восьми|девят(?:ь|и|ью)|"
    r"десят(?:ь|и|ью|ки|ков|ка)|одиннадцат[ьи]|двенадцат[ьи]|пятнадцат[ьи]|двадцат[ьи]|тридцат[ьи]|сорока?|"
    r"пятьдесят|пятидесяти|сто|полтора|полутора|нескольк(?:о|их|им|ими)|пар[уы]|много|многих)"
)
UNITS = (
    r"(?:лет|года?|году|годам|годами|годах|месяц\w*|недел[иьяюе]\w*|дн(?:я|ей|ям|ями)|день|суток|сутки|десятилети\w*)"
)
UNIT_OF = (("л", "year"), ("г", "year"), ("м", "month"), ("н", "week"), ("д", "day"), ("с", "day"))
# «в течение двух лет», «последние три года», «около 30 лет», «три года»; a bare number of years with digits
# («45 лет») is mostly an age, and so is one after «ему было», «в возрасте», «исполнилось»: neither is taken.
DURATION_PATTERN = re.compile(
    rf"(?<![\w-])(?:(?P<prefix>в течение|на протяжении|за последние|последние|около|более|менее|не более|не менее|"
    rf"почти|свыше|целых|всего|за)\s+)?(?P<number>{NUMBER_WORDS})\s+{UNITS}(?!\s+назад)(?![\w-])",
    re.IGNORECASE,
)
AGE_BEFORE = re.compile(r"(?:возраст\w*|исполн\w*|ему|ей|им|было|будет|сейчас|уже|,)\s*$", re.IGNORECASE)
# «через два года», «3 года назад»: a point a number of units from publication.
OFFSET_PATTERN = re.compile(
    rf"(?<![\w-])(через\s+)?(\d+|{NUMBER_WORDS})\s+({UNITS})(\s+назад)?(?![\w-])", re.IGNORECASE
)
SMALL_NUMBERS = {
    "один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "полгода": 0,
}  # fmt: skip
BARE_YEAR = re.compile(
    r"(?<![\w.,:/№-])((?:1[89]|20)\d\d)(?:-(?:м|й|го|х|е|ми|ом|му))?(?![\w.,/%]|\s*(?:г\b|год|гг|—|–|-\s*\d))"
    r"(?!\s+(?:человек|рубл|долл|евро|тонн|км|кг|метр|штук|тыс|млн|млрд|гривен|га\b|мест|участник|голос|случа))",
    re.IGNORECASE,
)
# Periods with no number: «в последние годы», «в ближайшие месяцы», «долгие годы», «в последнее время».
PERIOD_PATTERN = re.compile(
    r"(?<![\w-])(?:(?:в|на|за)\s+)?(?:последние|ближайшие|долгие|многие|прошедшие)\s+(?:годы|года|месяцы|недели|дни|"
    r"десятилетия)(?![\w-])|(?<![\w-])в\s+(?:последнее|настоящее|ближайшее)\s+время(?![\w-])",
    re.IGNORECASE,
)
# «через год», «через месяц»: one unit from publication.
ONE_UNIT_LATER = re.compile(r"(?<![\w-])через\s+(год|месяц|неделю|день)(?![\w-])", re.IGNORECASE)
COVID = re.compile(r"(?:covid|ковид|коронавирус\w*)-(19)\b", re.IGNORECASE)


def _unit_of(word: str) -> str:
    return _by_stem(UNIT_OF, word)


def _offset(published: date, unit: str, count: int) -> tuple[date, str]:
    if unit == "year":
        return date(published.year + count, 1, 1), "year"
    if unit == "month":
        return _shift_months(published, count), "month"
    if unit == "week":
        monday = published - timedelta(days=published.weekday())
        return monday + timedelta(weeks=count), "week"
    return published + timedelta(days=count), "day"


def pattern_mentions(text: str, published: date | None) -> list[DateMention]:
    """Date mentions the grammar does not find: bare years, COVID-19, offsets with a number, and durations."""
    found: list[DateMention] = []
    for match in COVID.finditer(text):
        found.append(DateMention(match.start(1), match.end(1), match.group(1), date(2019, 1, 1), "year"))
    for match in BARE_YEAR.finditer(text):
        found.append(DateMention(match.start(), match.end(), match.group(), date(int(match.group(1)), 1, 1), "year"))
    for match in OFFSET_PATTERN.finditer(text):
        later, number, unit, ago = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        count = int(number) if number.isdigit() else SMALL_NUMBERS.get(number)
        if (later or ago) and count and published is not None and count < 1000:
            value, precision = _offset(published, _unit_of(unit), count if later else -count)
            found.append(DateMention(match.start(), match.end(), match.group(), value, precision))
    if published is not None:
        for match in ONE_UNIT_LATER.finditer(text):
            value, precision = _offset(published, _unit_of(match.group(1)), 1)
            found.append(DateMention(match.start(), match.end(), match.group(), value, precision))
    for match in PERIOD_PATTERN.finditer(text):
        found.append(DateMention(match.start(), match.end(), match.group(), None, DURATION))
    for match in DURATION_PATTERN.finditer(text):
        if not match.group("prefix") and (
            match.group("number")[0].isdigit() or AGE_BEFORE.search(text, max(0, match.start() - 20), match.start())
        ):
            continue
        found.append(DateMention(match.start(), match.end(), match.group(), None, DURATION))
    return found


def find_dates(text: str, published: date | None, parser: Parser) -> tuple[list[DateMention], list[str]]:
    """Date mentions of one text, and one error line per window the parser failed on."""
    mentions: list[DateMention] = []
    errors: list[str] = []
    for window_start, window_stop in _windows(text):
        window = text[window_start:window_stop]
        try:
            resolved = [
                ((start, stop), resolve(expression, published)) for start, stop, expression in _matches(window, parser)
            ]
        except Exception as exc:  # one odd phrase must not cost the article its other dates
            errors.append(f"characters {window_start}-{window_stop}: {type(exc).__name__}: {exc}")
            continue
        for (start, stop), values in resolved:
            start, stop = window_start + start, window_start + stop
            preposition = PRECEDING_PREPOSITION.search(text, max(0, start - PREPOSITION_REACH), start)
            if preposition:
                start = preposition.start()
            for value, precision in values:
                mentions.append(DateMention(start, stop, text[start:stop], value, precision))
    taken = [(m.start, m.stop) for m in mentions]
    for extra in sorted(pattern_mentions(text, published), key=lambda m: (m.start, -m.stop)):
        if not any(a < extra.stop and extra.start < b for a, b in taken):  # the grammar's reading comes first
            mentions.append(extra)
            taken.append((extra.start, extra.stop))
    return mentions, errors


def tag_dates(articles: pa.Table, parser: Parser) -> tuple[pa.Table, list[str]]:
    """Date mentions of a batch (Russian articles only), and one error line per failed window."""
    rows: list[dict] = []
    errors: list[str] = []
    columns = articles.select(["article_id", "record_key", "text", "language", "published_date"]).to_pylist()
    for article in columns:
        if article["language"] not in TAGGED_LANGUAGES:
            continue
        mentions, failed = find_dates(article["text"], article["published_date"], parser)
        errors.extend(f"{article['record_key']}: date parser failed at {line}" for line in failed)
        rows.extend({"article_id": article["article_id"], **mention.__dict__, "run_id": None} for mention in mentions)
    return pa.Table.from_pylist(rows, schema=DATE_MENTIONS_SCHEMA), errors
