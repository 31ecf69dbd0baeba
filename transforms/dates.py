"""Dates in the text: time expressions found with yargy rules, resolved against the publication date.

`tag_dates(articles, parser)` reads `article_id`, `text`, `language` and
`published_date` and returns DATE_MENTIONS_SCHEMA rows:
- `article_id`, `start`, `stop`: the expression's characters in `text`,
  with its preposition («в декабре», «с 2013 года», «в начале марта»);
- `text`: the expression as written;
- `value`: the first day of the period it names;
- `precision`: `day`, `weekend`, `week`, `month`, `season`, `year`, `decade`,
  `century`, or `duration` (no value).

What is understood (`published` is the article's publication date):
- full dates: «1 сентября 2024 года», «01.09.2024», «сентябрь 2024 года»;
- day and month, or month alone: «6 января», «в декабре» — in the publication
  year, or the year before when the month is later than the publication month,
  except the month right after it, which is the coming one («9 декабря» in a
  November article);
- a range «15–16 марта»: two rows with the same span, one for each end (day);
- years: «в 2025 году», «2025 г.», «с 2013»;
- relative: «в прошлом/этом/следующем году/месяце», «на прошлой/этой неделе»
  (week: its Monday), «вчера», «позавчера», «накануне», «сегодня», «завтра»,
  «год/месяц/неделю/день назад»;
- weekdays: «в понедельник» is the last Monday up to publication (the day
  itself in a Monday article; tag-events dates a future event's weekday forward),
  unless a date in apposition names the day: «во вторник, 19 ноября» is 19 November
  when that is a Tuesday (`_named_weekdays`);
- a day or month with no year right beside a year takes it: «31 декабря в этом
  году» (`_years_alongside`);
- found by patterns beside the grammar (`pattern_mentions`): «18 ноя» of a dateline, bare years
  («2017», «в 2011-м»), «COVID-19» (2019), «через два года», «3 года назад»,
  and durations, precision `duration` with no value: «три года», «в течение
  нескольких дней», «около 30 лет» (not ages: «ему было 45 лет»);
- seasons: «весной 2025 года», «прошлой осенью», «летом прошлого года» (winter
  starts on 1 December of the year before), «в начале осени» (no year: as a month
  with none, the last one or the coming month's); «в марте прошлого года»;
- «в прошлую пятницу» (the last one before publication), «в следующую пятницу»
  (the first one after), «в минувшие выходные» (weekend: its Saturday);
- decades «в 1990-е годы», «в конце 60-х», «девяностых» and centuries «в XX
  веке», «в прошлом веке»: the first day of the decade or century;
- year ranges and lists («в 2001—2003 годах», «2016/17»: a row per year),
  «2013-01-10», «24/06/2016», «с начала года» (the current year);
- anaphoric expressions, dated by the nearest date before them
  (`anaphoric_mentions`): «в тот же день», «на следующий день», «в том же
  году», «годом позже», «три года спустя»; left out with no date before.
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
parser is skipped and reported; the article and the batch go on. The patterns
beside the grammar run the same way: on windows around their anchor words
(`pattern_windows`), each only where a word it needs occurs (`NEEDS`).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pyarrow as pa
from natasha.extractors import Parser
from yargy import and_, or_, rule
from yargy.interpretation import fact
from yargy.predicates import caseless, dictionary, eq, gram, gte, in_, in_caseless, length_eq, lte, normalized
from yargy.rule.bnf import is_rule

from transforms.analysis import TAGGED_LANGUAGES
from transforms.schemas import DATE_MENTIONS_SCHEMA

PRECISIONS = ("day", "weekend", "week", "month", "season", "year", "decade", "century", "duration")
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
WEEKDAY_WORD = re.compile(r"понедельник|вторник|сред|четверг|пятниц|суббот|воскресень", re.IGNORECASE)  # in a mention
APPOSITION = re.compile(r"\s*,\s*")  # «в среду, 20 ноября»
MONTH_WORDS = r"январ|феврал|март|апрел|ма[йяею]\b|июн|июл|август|сентябр|октябр|ноябр|декабр"  # a month's name
MONTH_WORD = re.compile(MONTH_WORDS, re.IGNORECASE)
WRITTEN_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d\d(?!\d)")  # a year in digits: «2011», «в 2011-м»
# A year right beside a day or month, with no comma between (a comma starts a list: «в 2012 году, в июле и
# августе 2017-го»), nor a year things are for («календарь на 2020 год в июле»).
ALONGSIDE = re.compile(r"\s+")
YEAR_FOR = re.compile(r"на\s", re.IGNORECASE)
WRITES_A_YEAR = re.compile(rf"{WRITTEN_YEAR.pattern}|год", re.IGNORECASE)  # «5 марта 2011 года», «этого года»
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
# A day written as an ordinal: «5-го декабря», «с 9-го по 22-е октября».
ORDINAL_END = rule(DASH, in_caseless({"го", "ого", "е", "ое"}))
DAY_OF = rule(DAY, ORDINAL_END.optional())
DAY_END_OF = rule(DAY_END, ORDINAL_END.optional())
# Two days of one month: a range «15–16 марта», «с 9-го по 22-е октября», or a pair «14 и 25 июня».
DAY_PAIR = or_(DASH, in_caseless({"и", "по"}))

YEAR_PREPOSITION = in_caseless({"в", "с", "со", "до", "к", "по", "от", "после"})
UNIT_AGO = in_caseless({"год", "месяц", "неделю", "день"}).interpretation(DateExpression.unit.custom(unit_name))
OFFSET = dictionary(OFFSET_WORDS).interpretation(DateExpression.offset.custom(offset_number))
UNIT = dictionary({"год", "месяц", "неделя"}).interpretation(DateExpression.unit.custom(unit_name))
YEAR_UNIT = dictionary({"год"}).interpretation(DateExpression.unit.const("year"))
RELATIVE_DAY = in_caseless(RELATIVE_WORDS).interpretation(
    DateExpression.offset.custom(lambda v: RELATIVE_WORDS[v.casefold()])
)
WEEKDAY = in_caseless(WEEKDAYS).interpretation(DateExpression.weekday.custom(lambda v: WEEKDAYS[v.casefold()]))
SEASON_ADVERB = in_caseless(SEASON_ADVERBS).interpretation(DateExpression.season.custom(season_month))
SEASON_NOUN = dictionary(SEASON_NOUNS).interpretation(DateExpression.season.custom(season_month))
# «в начале осени»: a season named without a year is a date only as the time within it (a bare «осень» is a topic)
SEASON_PART = in_caseless({"начале", "конце", "середине"})
SEASON_OF = and_(dictionary(SEASON_NOUNS), gram("gent")).interpretation(DateExpression.season.custom(season_month))
OF_YEAR = rule(OFFSET, YEAR_UNIT)  # «прошлого года» after a month or a season names its year

DATE_EXPRESSION = or_(
    rule(DAY, ".", MONTH, ".", YEAR, YEAR_WORD.optional()),  # 01.09.2024
    rule(DAY_OF, DAY_PAIR, DAY_END_OF, MONTH_NAME, or_(WITH_YEAR, OF_YEAR).optional()),  # 15–16 марта, 14 и 25 июня
    rule(DAY_OF, MONTH_NAME, or_(WITH_YEAR, OF_YEAR).optional()),  # 6 [-го] января [2026 года | прошлого года]
    rule(MONTH_NAME, or_(WITH_YEAR, OF_YEAR).optional()),  # в декабре [2025 года | этого года]
    rule(YEAR, YEAR_WORD),  # в 2025 году
    rule(YEAR_PREPOSITION, YEAR, YEAR_WORD.optional()),  # с 2013 [года]
    rule(UNIT_AGO, caseless("назад").interpretation(DateExpression.offset.const(-1))),  # год назад
    rule(OFFSET, UNIT),  # в прошлом году, на этой неделе
    rule(RELATIVE_DAY),  # вчера
    rule(in_caseless({"в", "во"}), OFFSET.optional(), WEEKDAY),  # в [прошлую] пятницу
    rule(SEASON_ADVERB, or_(WITH_YEAR, OF_YEAR)),  # весной 2025 года, летом прошлого года
    rule(OFFSET, SEASON_NOUN),  # прошлой осенью
    rule(SEASON_PART, SEASON_OF, or_(WITH_YEAR, OF_YEAR).optional()),  # в начале осени [2018 года | этого года]
).interpretation(DateExpression)

# Words a date expression must contain; the parser only sees text around them.
TRIGGER = re.compile(
    rf"\b(?:{MONTH_WORDS}"
    r"|(?:1[89]|20)\d\d(?!\d)|\d{1,2}\.\d{1,2}\.\d{4}"
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


COMING_MONTHS = 1  # how far ahead of its publication news names a date without its year
PERIOD_MONTHS = {"month": 1, "season": 3}  # how long a date of these precisions lasts


def shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _year_of(month: int, published: date) -> int:
    """The year of a month named without one: the coming one when it is the month after the publication month
    (news names yearless dates near its own day: «9 декабря» in a November article is the summit to come, not last
    year's), else the last one up to publication («в марте» in November: this March; «3 марта» in January: last
    March)."""
    if 0 < (month - published.month) % 12 <= COMING_MONTHS:
        return published.year + (month < published.month)
    return published.year if month <= published.month else published.year - 1


def _weekday_of(published: date, weekday: int, offset: int | None) -> date:
    """«в пятницу»: the last Friday up to publication (that day itself in a Friday article);
    «в прошлую пятницу»: the last one before it; «в следующую пятницу»: the first one after it."""
    back = (published.weekday() - weekday) % 7
    if offset is not None and offset < 0:
        return published - timedelta(days=back or 7)
    if offset is not None and offset > 0:
        return published + timedelta(days=(weekday - published.weekday()) % 7 or 7)
    return published - timedelta(days=back)


def resolve(expression, published: date | None) -> list[tuple[date, str]]:
    """(value, precision) of a DateExpression; two for a range; [] when it cannot be resolved."""
    e = expression
    of_year = e.unit == "year" and e.offset is not None  # «в марте прошлого года», «летом этого года»
    if e.season is not None:
        if e.year is not None:
            year = e.year
        elif published is not None and of_year:
            year = published.year + e.offset
            return [(date(year - 1, 12, 1) if e.season == 12 else date(year, e.season, 1), "season")]
        elif published is not None and e.offset is not None:
            current = published.year if published.month != 12 or e.season != 12 else published.year + 1
            year = current + e.offset
        elif published is not None:  # «в начале осени»: the last one up to publication, or the coming one
            return [(date(_year_of(e.season, published), e.season, 1), "season")]
        else:
            return []
        return [(date(year - 1, 12, 1) if e.season == 12 else date(year, e.season, 1), "season")]
    if e.weekday is not None:
        if published is None:
            return []
        return [(_weekday_of(published, e.weekday, e.offset), "day")]
    if e.month is not None and e.year is None and of_year:
        if published is None:
            return []
        year = published.year + e.offset
        if e.day is None:
            return [(date(year, e.month, 1), "month")]
        days = [e.day] if e.day_end is None else [e.day, e.day_end]  # «14 и 25 июня этого года»
        return [(date(year, e.month, day), "day") for day in days]
    if e.unit is not None:
        if published is None:
            return []
        if e.unit == "year":
            return [(date(published.year + e.offset, 1, 1), "year")]
        if e.unit == "month":
            return [(shift_months(published, e.offset), "month")]
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


def _windows(text: str, triggers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merged spans of text around trigger words (TRIGGER's matches), widened to whole words."""
    spans: list[tuple[int, int]] = []
    for trigger_start, trigger_stop in triggers:
        start = max(0, trigger_start - WINDOW_BEFORE)
        start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1 if start > 0 else 0
        stop = min(len(text), trigger_stop + WINDOW_AFTER)
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
    r"пятьдесят|пятидесяти|(?:шест|сем|восем)ьдесят|девяносто|сто|полтора|полутора|нескольк(?:о|их|им|ими)|"
    r"пар[уы]|много|многих|двое|трое|четверо|пятеро)(?:\s+с\s+половиной)?"
)
UNITS = (
    r"(?:лет|года?|году|годам|годами|годах|месяц\w*|недел[иьяюе]\w*|дн(?:я|ей|ям|ями)|день|суток|сутки|десятилети\w*"
    r"|век(?:а|ов|ам)?|столети\w*)"
)
UNIT_OF = (("л", "year"), ("г", "year"), ("м", "month"), ("н", "week"), ("д", "day"), ("с", "day"), ("в", "year"))
DURATION_PREFIX = (
    r"в течение(?: последних| следующих)?|на протяжении(?: последних)?|за последние|за последних|за эти|за первые|"
    r"последние|последних|следующие|в следующие|на следующие|в ближайшие|ближайшие|около|более(?: чем)?|менее|"
    r"не более|не менее|не позднее|по истечении|почти|свыше|целых|всего|за|на|до"
)
# «в течение двух лет», «последние три года», «около 30 лет», «три года», «534 дня», «на 5 лет»; a bare number of
# years with digits («45 лет») is mostly an age, and so is a number of years after «ему было», «в возрасте»,
# «исполнилось»: neither is taken. Days, weeks and months with digits are lengths of time.
DURATION_PATTERN = re.compile(
    rf"(?<![\w-])(?:(?P<prefix>{DURATION_PREFIX})\s+)?(?P<number>{NUMBER_WORDS})\s+(?P<unit>{UNITS})"
    rf"(?!\s+(?:назад|спустя|позже|позднее|ранее|раньше))(?![\w-])",
    re.IGNORECASE,
)
# One unit with no number: «в течение года», «около месяца», «более года», «за неделю», «на год», «полгода».
ONE_UNIT_DURATION = re.compile(
    rf"(?<![\w-])(?:(?!до\s)(?:{DURATION_PREFIX}|целый|целую|в последний|за последний|в течение последней)\s+)"
    r"(?:года?|месяца?|недел[июь]|дня|суток|сутки|полгода|полугода|десятилети[ея]|века?|столети[ея])"
    r"(?!\s+назад)(?![\w-])"
    r"|(?<![\w-])(?:полгода|полугода|за\s+день)(?![\w-])",
    re.IGNORECASE,
)
# Adjectives of a length of time: «двухдневный», «172-дневную», «шестимесячный», «годичный» (not «-летний»,
# which is mostly an age).
DURATION_ADJECTIVE = re.compile(
    r"(?<![\w-])(?:\d+-|одно|двух|трех|трёх|четырех|четырёх|пяти|шести|семи|восьми|девяти|десяти|полу)"
    r"(?:дневн|недельн|месячн|суточн|годичн)\w*|(?<![\w-])годичн\w*",
    re.IGNORECASE,
)
AGE_BEFORE = re.compile(r"(?:возраст\w*|исполн\w*|ему|ей|им|было|будет|сейчас|уже|,)\s*$", re.IGNORECASE)
# «через два года», «3 года назад», «около года назад»: a point a number of units from publication.
OFFSET_PATTERN = re.compile(
    rf"(?<![\w-])(через\s+)?(?:(?:около|более|больше|почти|немногим более|чуть более|менее|меньше)\s+)?"
    rf"(\d+|{NUMBER_WORDS})\s+({UNITS})(\s+назад)?(?![\w-])",
    re.IGNORECASE,
)
ONE_UNIT_AGO = re.compile(
    r"(?<![\w-])(?:(?:около|более|больше|почти|немногим более|чуть более|менее|меньше)\s+)?"
    r"(года|месяца|недели|дня|суток|сутки|полгода)\s+назад(?![\w-])",
    re.IGNORECASE,
)
SMALL_NUMBERS = {
    "один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50,
    "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100,
    "двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "четырёх": 4, "пяти": 5, "шести": 6, "семи": 7, "восьми": 8,
    "девяти": 9, "десяти": 10, "одиннадцати": 11, "двенадцати": 12, "пятнадцати": 15, "двадцати": 20,
    "тридцати": 30, "двое": 2, "трое": 3, "четверо": 4,
    "двумя": 2, "тремя": 3, "четырьмя": 4, "пятью": 5, "шестью": 6, "семью": 7, "восемью": 8, "десятью": 10,
}  # fmt: skip
BARE_YEAR = re.compile(
    r"(?<![\w.,:/№])(?<!\d-)((?:1[89]|20)\d\d)(?:-(?:м|й|го|х|е|ми|ом|му))?(?![\w/%]|[.,]\d|-\d|\s*(?:г\b|год|гг))"
    r"(?!\s+(?:человек|рубл|долл|евро|тонн|км|кг|метр|штук|тыс|млн|млрд|гривен|га\b|мест|участник|голос|случа))",
    re.IGNORECASE,
)
# «2001—2003», «в 2010-2011 годах»: one row per year, with one span.
YEAR_RANGE = re.compile(
    r"(?<![\w.,:/№-])(?:(?:в|с|со|до|к|по|от)\s+)?((?:1[89]|20)\d\d)\s*[-–—]\s*((?:1[89]|20)\d\d)"
    r"(?:\s*(?:гг\.?|г\.|годах|годы|годов|года|годами))?(?![\w/%])",
    re.IGNORECASE,
)
SEASON_YEARS = re.compile(r"(?<![\w./-])((?:1[89]|20)(\d\d))/(\d\d)(?![\w/-])")  # «сезон 2016/17»
ISO_DATE = re.compile(r"(?<![\w./-])((?:1[89]|20)\d\d)-(\d\d)-(\d\d)(?![\w/-])")
SLASH_DATE = re.compile(r"(?<![\w./-])(\d{1,2})/(\d{1,2})/((?:1[89]|20)\d\d)(?![\w/-])")
# A day with its month cut short, as in agencies' datelines: «МОСКВА, 18 ноя – РИА Новости», «10 авг.» («мая» is
# whole and the grammar's).
ABBREVIATED_DATE = re.compile(
    rf"(?<![\w.,])(\d{{1,2}})\s+({'|'.join(stem for stem, _ in MONTH_STEMS if stem != 'ма')}|сент)\b\.?", re.IGNORECASE
)
PART_OF = r"(?:(?:в|во|к|с|до|от|по)\s+)?(?:(?:начал[ае]|конц[ае]|середин[еы]|(?:первой|второй) половин[еы])\s+)?"
ORDINAL_DECADES = {
    "двадцат": 20, "тридцат": 30, "сороков": 40, "пятидесят": 50, "шестидесят": 60, "семидесят": 70,
    "восьмидесят": 80, "девяност": 90, "нулев": 0,
}  # fmt: skip
# «в 1990-е годы», «в конце 60-х годов», «к середине 2000-х», «девяностых годов»: the decade, precision `decade`.
DECADE = re.compile(
    rf"(?<![\w-]){PART_OF}(?:(?P<digits>(?:1[89]|20)?\d0)-(?:е|х|ых|ые|ми)(?:\s*[-–—]\s*(?:(?:1[89]|20)?\d0)-(?:е|х))?"
    rf"|(?P<word>(?:{'|'.join(ORDINAL_DECADES)})(?:ых|ые|ыми|ым)))(?:\s+(?:годы|годов|годах|годами|гг\.?))?(?![\w-])",
    re.IGNORECASE,
)
ROMAN = {"i": 1, "v": 5, "x": 10, "х": 10, "l": 50, "c": 100}  # and Cyrillic «Х»: «ХХ век»
# «в XX веке», «с XIV века», «в конце XVIII века», «21 век», «в прошлом веке»: the century, precision `century`.
CENTURY = re.compile(
    rf"(?<![\w-]){PART_OF}(?:(?P<number>[IVXLCХ]{{1,6}}|[ivxlcх]{{1,6}}|\d{{1,2}})(?:-?(?:м|го|й|ом))?"
    rf"|(?P<offset>прошл|позапрошл|нынешн|текущ|эт|следующ|будущ)\w*)\s+(?:век|века|веке|веку|веком|столети[ея])(?![\w-])",
    re.IGNORECASE,
)
# «с начала года», «до конца месяца», «в середине недели»: the current year, month or week.
PART_OF_CURRENT = re.compile(
    r"(?<![\w-])(?:(?:в|к|с|до|от|по)\s+)?(?:начал[ае]|конц[ае]|середин[еы])\s+(года|месяца|недели)(?![\w-])",
    re.IGNORECASE,
)
# Periods with no number: «в последние годы», «в ближайшие месяцы», «долгие годы», «в последнее время».
PERIOD_PATTERN = re.compile(
    r"(?<![\w-])(?:(?:в|на|за)\s+)?(?:последние|ближайшие|долгие|многие|прошедшие)\s+(?:годы|года|месяцы|недели|дни|"
    r"десятилетия)(?![\w-])|(?<![\w-])в\s+последнее\s+время(?![\w-])",
    re.IGNORECASE,
)
# «в выходные», «на выходных», «в минувшие выходные»: the weekend's Saturday, precision `weekend`.
WEEKEND = re.compile(
    r"(?<![\w-])(?:в|на)\s+(?:(?P<offset>прошл|минувш|прошедш|эт|следующ|будущ|ближайш)\w*\s+)?выходн(?:ые|ых)"
    r"(?!\s+(?:дн|данн))(?![\w-])",
    re.IGNORECASE,
)
# «через год», «через месяц»: one unit from publication.
ONE_UNIT_LATER = re.compile(r"(?<![\w-])через\s+(год|месяц|неделю|день|сутки|полгода)(?![\w-])", re.IGNORECASE)
COVID = re.compile(r"(?:covid|ковид|коронавирус\w*)-(19)\b", re.IGNORECASE)
# Expressions that take their date from the one mentioned before them (their antecedent):
# «в тот же день», «в этот день», «в том же году», «на следующий день», «годом позже», «три года спустя».
SAME_PERIOD = re.compile(
    r"(?<![\w-])(?:в|на)\s+(?:т(?:от|ом|у|ой)|эт(?:от|ом|у|ой))(?:\s+же)?\s+(?:самый\s+|самом\s+)?"
    r"(день|году|год|месяце|неделе)(?![\w-])",
    re.IGNORECASE,
)
NEXT_PERIOD = re.compile(
    r"(?<![\w-])(?:на|в)\s+(следующ|другой|предыдущ)\w*\s+(день|год|году)(?![\w-])",
    re.IGNORECASE,
)
LATER = re.compile(
    rf"(?<![\w-])(?:(?P<count>\d+|{NUMBER_WORDS})\s+)?(?P<unit>годом|годами|годы|года|год|лет|месяцем|месяцами|месяца|"
    rf"месяцев|месяц|неделей|неделями|недели|недель|неделю|днём|днем|днями|дня|дней|день)[^\S\n]+"
    rf"(?P<way>позже|позднее|спустя|ранее|раньше)(?![\w-])"
    rf"|(?<![\w-])спустя\s+(?:(?P<count2>\d+|{NUMBER_WORDS})\s+)?(?P<unit2>{UNITS})(?![\w-])",
    re.IGNORECASE,
)
PRECISION_ORDER = {
    p: n for n, p in enumerate(("day", "weekend", "week", "month", "season", "year", "decade", "century"))
}


# Words every pattern above holds one of: they run only on the text around them, as the grammar does (scanning
# whole texts with 20 patterns cost more than the grammar).
# The patterns' anchor words beyond the grammar's TRIGGER words (years, «год», «месяц», «недел», «назад» are
# TRIGGER's): the patterns run on windows around both. All start at a word boundary: \b lets the scan skip fast.
PATTERN_ANCHOR = re.compile(
    r"\b(?:лет\b|дн[яеёиь]|день|сут|десятилет|полу?год|век|столет|время|выходн|covid|ковид|коронавирус"
    r"|(?:двадцат|тридцат|сороков|пятидесят|шестидесят|семидесят|восьмидесят|девяност|нулев)ы|\d0-"
    r"|(?:\d+-|одно|двух|тр[её]х|четыр[её]х|пяти|шести|семи|восьми|девяти|десяти|полу)(?:дневн|недельн|месячн|суточн"
    r"|годичн))",
    re.IGNORECASE,
)
ANCHOR_BEFORE = 48  # «в течение последних нескольких » before «дней»
ANCHOR_AFTER = 32  # «годами » before «позже», « 2003 годах» after «2001—»


def pattern_windows(text: str, anchors: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
    """Merged spans around the pattern anchors (`anchors`, else the matches of TRIGGER and PATTERN_ANCHOR),
    widened to whitespace: no pattern match crosses their ends. Each comes with its text in lower case."""
    spans: list[tuple[int, int]] = []
    if anchors is None:
        anchors = [match.span() for match in TRIGGER.finditer(text)]
    anchors = sorted(anchors + [match.span() for match in PATTERN_ANCHOR.finditer(text)])
    for anchor_start, anchor_stop in anchors:
        if spans and anchor_start - ANCHOR_BEFORE <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], anchor_stop + ANCHOR_AFTER))
            continue
        spans.append((max(0, anchor_start - ANCHOR_BEFORE), anchor_stop + ANCHOR_AFTER))
    widened = []
    for start, stop in spans:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while stop < len(text) and not text[stop].isspace():
            stop += 1
        if widened and start <= widened[-1][1]:
            widened[-1] = (widened[-1][0], stop)
        else:
            widened.append((start, min(stop, len(text))))
    return [(start, stop, text[start:stop].lower()) for start, stop in widened]


def _find(pattern: re.Pattern, text: str, windows: list[tuple[int, int, str]]):
    """`pattern.finditer(text)` over the windows only (a lookbehind still sees the text before a window), and
    only over those holding one of the words the pattern needs (`NEEDS`): a substring test costs far less."""
    needs = NEEDS.get(pattern)
    for start, stop, lowered in windows:
        if needs is None or any(word in lowered for word in needs):
            yield from pattern.finditer(text, start, stop)


# Words (lower case) a window must hold for a pattern to be run on it; a pattern not here runs on every window.
NEEDS = {
    COVID: ("covid", "ковид", "коронавирус"),
    OFFSET_PATTERN: ("назад", "через"),
    ONE_UNIT_LATER: ("через",),
    ONE_UNIT_AGO: ("назад",),
    PART_OF_CURRENT: ("начал", "конц", "середин"),
    WEEKEND: ("выходн",),
    ISO_DATE: ("-",),
    SLASH_DATE: ("/",),
    SEASON_YEARS: ("/",),
    YEAR_RANGE: ("-", "–", "—"),
    DECADE: ("-", *ORDINAL_DECADES),
    CENTURY: ("век", "столет"),
    SAME_PERIOD: ("тот", "том", "той", "ту ", "эт"),
    NEXT_PERIOD: ("следующ", "другой", "предыдущ"),
    LATER: ("позже", "позднее", "спустя", "ранее", "раньше"),
    PERIOD_PATTERN: ("последн", "ближайш", "долгие", "многие", "прошедш"),
    DURATION_ADJECTIVE: ("дневн", "недельн", "месячн", "суточн", "годичн"),
}


def _unit_of(word: str) -> str:
    if word.lower().startswith("дн"):
        return "day"
    return _by_stem(UNIT_OF, word)


def _count(word: str | None) -> int | None:
    """1 for no number («годом позже»), the number written, or None when it is vague («несколько»)."""
    if word is None:
        return 1
    word = word.lower()
    return int(word) if word.isdigit() else SMALL_NUMBERS.get(word)


def _offset(published: date, unit: str, count: int) -> tuple[date, str]:
    if unit == "year":
        return date(published.year + count, 1, 1), "year"
    if unit == "month":
        return shift_months(published, count), "month"
    if unit == "week":
        monday = published - timedelta(days=published.weekday())
        return monday + timedelta(weeks=count), "week"
    return published + timedelta(days=count), "day"


def _roman(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    numbers = [ROMAN[c] for c in value.lower()]
    total = sum(-n if i + 1 < len(numbers) and n < numbers[i + 1] else n for i, n in enumerate(numbers))
    return total if 0 < total <= 21 else None


def _decade(match: re.Match, published: date | None) -> int | None:
    """The first year of the decade: «1990-е» 1990, «90-х» 1990, «10-х» 2010, «нулевых» 2000."""
    if match.group("word"):
        stem = next(s for s in ORDINAL_DECADES if match.group("word").lower().startswith(s))
        tens = ORDINAL_DECADES[stem]
    else:
        digits = match.group("digits")
        if len(digits) == 4:
            return int(digits)
        tens = int(digits)
    # two digits: this century's when that decade has begun by publication («10-х» in 2026), else the last one's
    now = (published or date(2000, 1, 1)).year
    return 2000 + tens if 2000 + tens <= now and tens <= 10 else 1900 + tens


def _century(match: re.Match, published: date | None) -> int | None:
    """The century's number: «XX» 20, «в прошлом веке» the one before publication's."""
    if match.group("number"):
        return _roman(match.group("number"))
    if published is None:
        return None
    current = (published.year - 1) // 100 + 1
    stem = match.group("offset").lower()
    return current + next(n for s, n in OFFSET_STEMS if stem.startswith(s))


def pattern_mentions(text: str, published: date | None, windows: list | None = None) -> list[DateMention]:
    """Date mentions the grammar does not find: bare years, COVID-19, offsets with a number, abbreviated months,
    and durations."""
    windows = pattern_windows(text) if windows is None else windows
    found: list[DateMention] = []
    for match in _find(COVID, text, windows):
        found.append(DateMention(match.start(1), match.end(1), match.group(1), date(2019, 1, 1), "year"))
    for match in _find(BARE_YEAR, text, windows):
        found.append(DateMention(match.start(), match.end(), match.group(), date(int(match.group(1)), 1, 1), "year"))
    for match in _find(OFFSET_PATTERN, text, windows):
        later, number, unit, ago = match.group(1), match.group(2).lower(), match.group(3), match.group(4)
        count = int(number) if number.isdigit() else SMALL_NUMBERS.get(number)
        if (later or ago) and count and published is not None and count < 1000:
            value, precision = _offset(published, _unit_of(unit), count if later else -count)
            found.append(DateMention(match.start(), match.end(), match.group(), value, precision))
    if published is not None:
        for match in _find(ONE_UNIT_LATER, text, windows):
            unit = match.group(1).lower()
            value, precision = (
                _offset(published, "month", 6) if unit == "полгода" else _offset(published, _unit_of(unit), 1)
            )
            found.append(DateMention(match.start(), match.end(), match.group(), value, precision))
        for match in _find(ONE_UNIT_AGO, text, windows):
            unit = match.group(1).lower()
            value, precision = (
                _offset(published, "month", -6) if unit == "полгода" else _offset(published, _unit_of(unit), -1)
            )
            found.append(DateMention(match.start(), match.end(), match.group(), value, precision))
        for match in _find(WEEKEND, text, windows):
            offset = match.group("offset")
            shift = None if offset is None else (1 if offset.lower() in ("следующ", "будущ", "ближайш") else -1)
            shift = 0 if offset and offset.lower() == "эт" else shift
            value = _weekday_of(published, 5, shift)
            found.append(DateMention(match.start(), match.end(), match.group(), value, "weekend"))
        for match in ABBREVIATED_DATE.finditer(text):  # a plain regular expression: no window needed
            month = _by_stem(MONTH_STEMS, match.group(2).lower())
            try:
                value = date(_year_of(month, published), month, int(match.group(1)))
            except ValueError:  # «31 ноя»
                continue
            found.append(DateMention(match.start(), match.end(), match.group(), value, "day"))
        for match in _find(PART_OF_CURRENT, text, windows):
            value, precision = _offset(published, _unit_of(match.group(1)), 0)
            found.append(DateMention(match.start(), match.end(), match.group(), value, precision))
    for match in _find(PERIOD_PATTERN, text, windows):
        found.append(DateMention(match.start(), match.end(), match.group(), None, DURATION))
    for match in _find(DURATION_PATTERN, text, windows):
        years = _unit_of(match.group("unit")) == "year" and not match.group("unit").lower().startswith("в")
        prefix = (match.group("prefix") or "").lower()
        if (
            years
            and prefix in ("", "до")
            and (
                match.group("number")[0].isdigit() or AGE_BEFORE.search(text, max(0, match.start() - 20), match.start())
            )
        ):
            continue
        found.append(DateMention(match.start(), match.end(), match.group(), None, DURATION))
    for pattern in (ONE_UNIT_DURATION, DURATION_ADJECTIVE):
        for match in _find(pattern, text, windows):
            found.append(DateMention(match.start(), match.end(), match.group(), None, DURATION))
    return found


def overriding_mentions(text: str, published: date | None, windows: list | None = None) -> list[DateMention]:
    """Decades, centuries, year ranges and numeric dates: read before the grammar, whose «в 1990» of «в 1990-е
    годы» or «2013» of «2013-01-10» they replace."""
    windows = pattern_windows(text) if windows is None else windows
    found: list[DateMention] = []
    for pattern in (ISO_DATE, SLASH_DATE):
        for match in _find(pattern, text, windows):
            numbers = list(map(int, match.groups()))
            year, month, day = numbers if pattern is ISO_DATE else numbers[::-1]
            try:
                value = date(year, month, day)
            except ValueError:  # «2019-02-30», «31/06/2016»: no such day
                continue
            found.append(DateMention(match.start(), match.end(), match.group(), value, "day"))
    for match in _find(SEASON_YEARS, text, windows):
        first = int(match.group(1))
        if int(match.group(3)) == (int(match.group(2)) + 1) % 100:
            for year in (first, first + 1):
                found.append(DateMention(match.start(), match.end(), match.group(), date(year, 1, 1), "year"))
    for match in _find(YEAR_RANGE, text, windows):
        first, last = int(match.group(1)), int(match.group(2))
        if first < last:
            for year in (first, last):
                found.append(DateMention(match.start(), match.end(), match.group(), date(year, 1, 1), "year"))
    for match in _find(DECADE, text, windows):
        year = _decade(match, published)
        if year is not None:
            found.append(DateMention(match.start(), match.end(), match.group(), date(year, 1, 1), "decade"))
    for match in _find(CENTURY, text, windows):
        number = _century(match, published)
        if number:
            found.append(
                DateMention(match.start(), match.end(), match.group(), date((number - 1) * 100 + 1, 1, 1), "century")
            )
    return found


def _truncate(value: date, unit: str) -> date:
    if unit == "year":
        return date(value.year, 1, 1)
    if unit == "month":
        return date(value.year, value.month, 1)
    if unit == "week":
        return value - timedelta(days=value.weekday())
    return value


def _from_antecedent(antecedent: DateMention, unit: str, count: int) -> tuple[date, str]:
    """The antecedent's date moved by `count` units; an antecedent coarser than the unit («в марте … на следующий
    день») gives its own period, since the day within it is not known."""
    value, precision = antecedent.value, antecedent.precision
    if PRECISION_ORDER[precision] > PRECISION_ORDER[unit]:
        return value, precision
    return _offset(_truncate(value, unit), unit, count)


def _anaphor(pattern: re.Pattern, match: re.Match) -> tuple[str, int] | None:
    """(unit, how many units on) of an anaphoric expression; None when how many is not said («несколькими днями»)."""
    if pattern is SAME_PERIOD:
        return _unit_of(match.group(1)), 0
    if pattern is NEXT_PERIOD:
        return _unit_of(match.group(2)), -1 if match.group(1).lower().startswith("предыдущ") else 1
    count = _count(match.group("count") or match.group("count2"))
    if count is None or count >= 1000:
        return None
    back = (match.group("way") or "").lower() in ("ранее", "раньше")
    return _unit_of(match.group("unit") or match.group("unit2")), -count if back else count


def anaphoric_mentions(text: str, mentions: list[DateMention], windows: list | None = None) -> list[DateMention]:
    """Expressions dated by the nearest date with a value before them: «в тот же день», «на следующий день»,
    «в том же году», «годом позже», «три года спустя» (which may itself be such an expression: «годом позже …
    три года спустя»); left out when no date comes before, or when they overlap a mention already found."""
    windows = pattern_windows(text) if windows is None else windows
    matches = sorted(
        ((m, pattern) for pattern in (SAME_PERIOD, NEXT_PERIOD, LATER) for m in _find(pattern, text, windows)),
        key=lambda found: found[0].start(),
    )
    anchors = sorted((m for m in mentions if m.value is not None), key=lambda m: m.start)
    found: list[DateMention] = []
    for match, pattern in matches:
        if any(m.start < match.end() and match.start() < m.stop for m in mentions + found):
            continue
        shift = _anaphor(pattern, match)
        before = [m for m in anchors if m.stop <= match.start()]
        if shift is None or not before:
            continue
        value, precision = _from_antecedent(before[-1], *shift)
        mention = DateMention(match.start(), match.end(), match.group(), value, precision)
        found.append(mention)
        anchors = sorted([*anchors, mention], key=lambda m: m.start)
    return found


SITE_DOMAIN = re.compile(r"\.(?:ru|ру|рф|su|ua|by|kz|com|net|org|info)\b", re.IGNORECASE)
NEXT_WORD = re.compile(r"[^\S\n]+([а-яё]+)", re.IGNORECASE)
GENITIVE_POS = {"NOUN", "ADJF", "NPRO", "PRTF", "NUMR"}


def _eve_of(text: str, start: int, stop: int, parser: Parser) -> bool:
    """Whether «накануне» is the preposition «on the eve of» («накануне выборов», «накануне своего юбилея»): its
    date is the eve of what follows, not the day before publication, so it is no mention of its own."""
    if text[start:stop].lower() != "накануне":
        return False
    word = NEXT_WORD.match(text, stop)
    if word is None:
        return False
    (token,) = parser.tokenizer(word.group(1))
    form = token.forms[0] if token.forms else None
    return form is not None and "gent" in form.grams.values and bool(GENITIVE_POS & set(form.grams.values))


def find_dates(text: str, published: date | None, parser: Parser) -> tuple[list[DateMention], list[str]]:
    """Date mentions of one text, and one error line per window the parser failed on."""
    mentions: list[DateMention] = []
    errors: list[str] = []
    triggers = [match.span() for match in TRIGGER.finditer(text)]
    for window_start, window_stop in _windows(text, triggers):
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
            if _eve_of(text, start, stop, parser) or SITE_DOMAIN.match(text, stop):
                continue  # «Накануне.RU»: an outlet's name, no date
            preposition = PRECEDING_PREPOSITION.search(text, max(0, start - PREPOSITION_REACH), start)
            if preposition:
                start = preposition.start()
            for value, precision in values:
                mentions.append(DateMention(start, stop, text[start:stop], value, precision))
    try:
        return _combined(text, published, mentions, pattern_windows(text, triggers)), errors
    except Exception as exc:  # a pattern's odd match must not cost the article the grammar's dates either
        return mentions, [*errors, f"patterns: {type(exc).__name__}: {exc}"]


def _combined(
    text: str, published: date | None, grammar: list[DateMention], windows: list[tuple[int, int, str]]
) -> list[DateMention]:
    """The grammar's mentions with the patterns': decades, centuries, ranges and numeric dates replace the
    grammar's reading of their words; other patterns fill only text the grammar left; expressions dated by an
    antecedent come last, dated by what was found before them."""
    mentions = sorted(overriding_mentions(text, published, windows), key=lambda m: (m.start, -m.stop))
    kept: list[DateMention] = []
    for mention in mentions:  # the longest of overlapping overriding readings; a range's two rows both stay
        if not any(
            k.start < mention.stop and mention.start < k.stop and (k.start, k.stop) != (mention.start, mention.stop)
            for k in kept
        ):
            kept.append(mention)
    taken = [(m.start, m.stop) for m in kept]
    result = list(kept)
    for mention in grammar:
        if not any(a < mention.stop and mention.start < b for a, b in taken):
            result.append(mention)
    taken = [(m.start, m.stop) for m in result]
    for extra in sorted(pattern_mentions(text, published, windows), key=lambda m: (m.start, -m.stop)):
        if not any(a < extra.stop and extra.start < b for a, b in taken):  # the grammar's reading comes first
            result.append(extra)
            taken.append((extra.start, extra.stop))
    for extra in anaphoric_mentions(text, result, windows):
        if not any(a < extra.stop and extra.start < b for a, b in taken):
            result.append(extra)
            taken.append((extra.start, extra.stop))
    return _years_alongside(text, _named_weekdays(text, sorted(result, key=lambda m: m.start)))


def _named_weekdays(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """A weekday followed by a date of the same weekday in apposition («в среду, 20 ноября») takes that date.

    The writer said which Wednesday: read alone, the weekday is the last one up to publication, a week
    off for a coming day. Only a date on the same weekday counts, so a list of dates is left alone.
    """
    named = list(mentions)
    for n, (weekday, date_mention) in enumerate(itertools.pairwise(mentions)):
        if (
            WEEKDAY_WORD.search(weekday.text)
            and weekday.precision == date_mention.precision == "day"
            and weekday.value is not None
            and date_mention.value is not None
            and APPOSITION.fullmatch(text, weekday.stop, date_mention.start)
            and (date_mention.value - weekday.value).days % 7 == 0
        ):
            named[n] = replace(weekday, value=date_mention.value)
    return named


def _years_alongside(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """A day or month written with no year, right beside a year («31 декабря в этом году», «в этом году в
    декабре»), is in that year: read alone it took the publication year, or the year before."""
    dated = list(mentions)
    for n, mention in enumerate(mentions):
        if mention.precision not in ("day", "month") or mention.value is None:
            continue
        if not MONTH_WORD.search(mention.text) or WRITES_A_YEAR.search(mention.text):
            continue
        beside = [
            other
            for other in mentions[max(n - 2, 0) : n + 3]
            if other.precision == "year"
            and other.value is not None
            and not YEAR_FOR.match(other.text)
            and (
                ALONGSIDE.fullmatch(text, mention.stop, other.start)
                or ALONGSIDE.fullmatch(text, other.stop, mention.start)
            )
        ]
        if beside and beside[0].value.year != mention.value.year:
            try:
                dated[n] = replace(mention, value=mention.value.replace(year=beside[0].value.year))
            except ValueError:  # 29 February of a year that has none
                continue
    return dated


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
