"""Events: who did what to whom, where, when, and did it happen — coded in CAMEO from the Russian text.

`tag_events(articles, mentions, date_mentions, models)` reads
- articles: `article_id`, `text`, `language`, `source`, `record_key`, `payload`;
- mentions (MENTIONS_SCHEMA): `article_id`, `start`, `stop`, `type`, `entity_id`;
- date mentions: `article_id`, `start`, `stop`, `value` (DATE), `precision`
  (the table of transforms/dates.py; an empty table leaves `event_date` null),
and returns:
- events (EVENTS_SCHEMA): event_id, article_id, type («04 CONSULT»),
  cameo_code («042»), cameo_name, trigger (the word as written), start, stop
  (its offsets in `text`), sentence (index in the article, as in `mentions`),
  sentence_start, sentence_stop, modality, event_date, date_precision,
  place_entity_id;
- event participants (EVENT_PARTICIPANTS_SCHEMA): event_id, article_id,
  entity_id, role (`actor`, `target`, `participant`);
- quarantine rows (stage `tag-events`) for articles the tagger failed on;
- the articles that were tagged (failed ones removed).

How (rules, in the order they apply):
1. Triggers are the lemmas of transforms/event_lexicon.toml. A cheap pass looks
   every word up in the set of the triggers' dictionary forms (pymorphy's
   paradigms); only the sentences with a possible trigger get natasha's
   morphology and dependency parse, the costly steps (`transforms.analysis`:
   a sentence entity tagging tagged or parsed already is not done again). A
   trigger is then a VERB/NOUN/PROPN token whose contextual lemma is in the lexicon.
2. Participants come from the parse. For a verb: `nsubj` → actor, `obj`,
   `iobj`, `nsubj:pass` and «с»/«против»/«к» phrases → target. For a noun: a
   genitive `nmod` → actor, «с»/«против»/«к» phrases → target. With no actor of
   its own, a trigger takes the subject of the verb it depends on (through
   `xcomp`, `conj`, `obj`, `obl`: «планируют посетить … для встречи»). An
   argument that is no entity itself yields the entities of its `appos` /
   `flat` words («президент Франции Эмманюэль Макрон»), else of its `nmod`
   («представители Украины»); conjuncts share the role («Стармер, Макрон и
   Зеленский подписали» → three actors). A bare singular role noun speaking
   («– сказал губернатор», «говорит эксперт») stands for the person named
   last before it (of the verb's gender, by first names: «– сказала актриса»).
   Other entity arguments are `participant`s.
3. Place: a LOC entity in a «в/во/на» phrase of the trigger or of the verbs it
   depends on within its clause («встретились в Париже»); for a visit (042)
   also the object («посетить Москву»).
4. Date: the nearest date mention whose way up the tree meets the trigger
   first («6 января … встретились»; «пообещал встретиться в понедельник» dates
   the meeting, not the promise), or, meeting no trigger, stays in the
   trigger's clause («встреча может состояться в этом месяце»); else null —
   never the publication date. A participle phrase is a clause of its own
   («посетил завод в рамках конференции, проходившей 5 октября»), and so is
   what follows a colon («это второй визит: в 2017 году …»). A date on
   another line (a headline running
   into the dateline «Москва, 18 ноября») or a year that is the attribute of
   a noun that is no trigger («выборы 2016 года») dates nothing; a clause's
   date does not date an event named inside its object («в пятницу
   воспроизвел сцену убийства») or two nouns deep («цены на билеты для
   участников переговоров»), nor one in a «что» clause under a noun
   («дал показания о том, что они обсуждали»). A date after the publication
   does not date an event told in the past tense, unless it is a noun trigger's
   own («отменил поездку на переговоры 9 декабря»); a month with no year follows
   the year of the story («В октябре 2015 года …», then «в конце ноября»).
5. Modality, first rule that fires, looking at the trigger and the words it
   depends on up to its clause head («the chain»):
   - negated: «не»/«ни» on a word of the chain, or «нет» heading it
     («встреча не запланирована», «не встречался»);
   - uncertain: «бы» in the chain, a question, a hedge in the sentence
     («по данным источников», «по словам источников», «якобы», «возможно»,
     «предположительно») or a hedging adjective («возможный визит»);
   - planned: a plan word in the chain («планировать», «намерен»,
     «собираться», «мочь» as in «может состояться», «ожидаться», «намерение»),
     a future verb («посетит», «будет происходить») or «предстоящий»,
     «следующий», «будущий» on the trigger, or a future relative clause
     describing it («встречу, которая пройдет в декабре»);
   - occurred: everything else (past or present, no hedge).
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources

import pyarrow as pa
import pyarrow.compute as pc
from natasha.doc import Doc

from transforms.analysis import TAGGED_LANGUAGES, analyze_articles, parse_syntax, tag_morph
from transforms.dates import APPOSITION, MONTH_WORD, PERIOD_MONTHS, WEEKDAY_WORD, WRITTEN_YEAR, shift_months
from transforms.ids import stable_id
from transforms.models import NatashaModels, load_models
from transforms.names import entity_id as entity_id_of
from transforms.quarantine import tag_each_article
from transforms.schemas import ENTITIES_SCHEMA, EVENT_PARTICIPANTS_SCHEMA, EVENTS_SCHEMA, ROLE_TYPE
from transforms.stages import Stage

MODALITIES = ("occurred", "planned", "negated", "uncertain")
ROLES = ("actor", "target", "participant")

TRIGGER_POS = {"VERB", "NOUN", "PROPN"}
# Relations that start a new clause: climbing stops at a word attached by one of them.
CLAUSE_COLON = re.compile(r":(?!\d)")  # not the colon of a time: «в 13:00»
CLAUSE_RELS = {"root", "ccomp", "advcl", "parataxis", "csubj", "acl:relcl"}
# A trigger without a subject of its own takes the subject of the word it hangs on through these.
INHERIT_RELS = {"xcomp", "conj", "obj", "obl", "advcl"}  # advcl: a gerund, «заявляя»
NAME_RELS = ("appos", "flat", "flat:name")
NOMINAL_RELS = {"nsubj", "obj", "iobj", "obl", "nmod", "amod", "appos", "conj"}
TARGET_CASES = {"с", "со", "против", "к", "ко", "от"}
PLACE_CASES = {"в", "во", "на"}
CLAUSE_OPENERS = {"однако", "который", "где", "когда"}  # words that open a clause, whatever their part of speech
OTHER_TIME_CASES = {"после", "до", "перед"}  # a noun trigger in these happened at another time than its verb
NEGATIONS = {"не", "ни"}
NEGATION_PASSES = {"xcomp", "nsubj", "nsubj:pass", "csubj", "aux", "cop", "conj"}
PLAN_LEMMAS = {
    "планировать", "запланировать", "намереваться", "намеренный", "намерен", "намерение", "собираться",
    "мочь", "ожидаться", "предстоять", "готовиться", "хотеть", "предполагаться", "план",
    # what is demanded, promised, offered or threatened has not happened yet
    "потребовать", "требовать", "призвать", "призывать", "предложить", "пообещать", "обещать", "пригрозить",
    "угрожать", "попросить", "просить",
    # what is decided or made ready is still to come: «решил подписать», «о готовности подписать»
    "решить", "готовность", "готовый",
}  # fmt: skip
PLAN_MODIFIERS = {"предстоящий", "следующий", "будущий", "запланированный"}
HEDGE_MODIFIERS = {"возможный", "предполагаемый", "вероятный"}
# «по данным источников», «по словам одного из источников», «по неподтвержденным данным», «якобы», ...
HEDGE_PATTERN = re.compile(
    r"по (данным|словам|информации)\b[^.]{0,40}источник|по неподтвержденным|по неофициальным"
    r"|\bякобы\b|\bвозможно\b|\bпредположительно\b|\bвероятно\b"
)
VISIT_CODES = {"042"}
HOST_CODES = {"043"}
PATIENT_GENITIVE_ROOTS = {"16", "17", "18", "19", "20"}  # the genitive of these nouns is whom it was done to
PERSON_PRONOUNS = {"он", "она", "его", "ее"}  # «его», «ее» as possessives: «по его словам»
PRONOUN_GENDERS = {"его": "Masc", "ее": "Fem"}  # the possessives carry no Gender of their own in the parse
NAME_GENDERS = {"masc": "Masc", "femn": "Fem"}  # pymorphy's grammemes of a first name, as the parse writes them
ANAPHORA_REACH = 1_500  # characters back to look for the person or organisation a pronoun or role noun stands for
IMPERSONAL_CASES = {"в", "во", "у"}
SOURCE_CASE = "из"  # «сообщили в редакцию из штаба ВКС»: the doer of a subject-less statement is where it came from
# Nouns of agreement, speech and attitude that a «по» phrase makes a statement: «по словам», «по мнению».
STATEMENT_CASE = "по"
STATEMENT_ROOT = "01"
# What a date's own words say about its year: «2019», «прошлый», «вчера», «назад» keep it where it is.
YEAR_OR_PAST = re.compile(r"\d{4}|прошл|минувш|прошедш|позапрошл|вчера|накануне|назад")
# A month or a day written with a month and nothing that ties it to the present («в конце ноября», «25 июня»)
# continues the year of the story the article tells (`in_story_year`).
NOW_WORD = re.compile(
    r"\d{4}|этот|этого|этом|текущ|нынешн|прошл|минувш|прошедш|следующ|будущ|вчера|сегодня|завтра|накануне|назад|через"
)
NEWS_WEEK = timedelta(days=7)  # a day this close before the publication is the news' own, not a flashback's
# Verbs a denial is made with: what they govern did not happen («опроверг встречу»).
DENIAL_LEMMAS = {"опровергнуть", "опровергать", "отрицать", "опровержение"}
PURPOSE_WORDS = {"чтобы", "для"}
CAUSE_NOUNS = {"повод", "основание", "причина"}  # «поводом для ареста стало …»: the cause of what happened
# Words of speech that also have a sense of their own with a plain object: «отметило 70-летие», «подчеркнула грудь».
SPEECH_WITH_OBJECT = {
    "отметить", "отмечать", "подчеркнуть", "подчеркивать", "добавить", "указать", "объявить", "утверждать",
}  # fmt: skip
QUOTE = re.compile(r"[«»\"“”„]")
# A dash right before a speech verb: «…, – сказал он. – …» attributes the quotation it interrupts.
ATTRIBUTION_DASH = re.compile(r"(?:^|[\s,.!?…»\"])[–—-]\s+$")
# Words of prohibition whose infinitives are rules of conduct, not events: «нельзя угрожать», «запрещено обсуждать».
PROHIBITIONS = {"нельзя", "запрещено", "запретить", "запрещаться", "недопустимо", "запрещать"}
PROHIBITION_REACH = 4  # words up from a forbidden act to the word forbidding it («запретили обращаться … и общаться»)
# «осудить» condemns (111) in the active voice; in the passive a court has convicted someone (173).
CONVICTION_LEMMAS = {"осудить", "осуждать"}
CONVICTION_CODE = "173"
FUTURE_AUXILIARIES = {"буду", "будешь", "будет", "будем", "будете", "будут"}
# An imperfective infinitive under these is what one may or can do, again and again: «может посещать».
ABILITY_WORDS = {"мочь", "можно"}
# The title of an article of a code, in brackets or quotes after the article: «ст. 105 УК РФ (», «по статье «».
LAW_ARTICLE_TITLE = re.compile(
    r"(?:\bст\.|\bстать[яиейю]\w*)(?:\s*[\d.]+)?[^()«»\n]{0,25}(?:\(\s*«?|«)\s*$", re.IGNORECASE
)
# Preparing an event is not the event: «подготовка к саммиту», «приготовление к теракту».
PREPARATIONS = {"подготовка", "приготовление"}
# Examining a person or an animal is a doctor's or a vet's work, not an investigation (09).
MEDICAL_EXAMS = {"осмотреть", "осматривать"}
ROOT_DIGITS = 2  # a CAMEO root code is the first two digits of a code
# Said in the first person present these verbs do what they say: «прошу всех …», «извиняюсь перед водителем».
PERFORMATIVES = {"просить", "извиняться"}


@dataclass(frozen=True)
class Lexicon:
    triggers: dict[str, str]  # lemma → CAMEO code
    roots: dict[str, str]  # "04" → "CONSULT"
    codes: dict[str, str]  # "042" → "Make a visit"
    words: dict = field(default_factory=dict)  # the word tables the sense and participant rules read

    def word_set(self, table: str, key: str) -> frozenset[str]:
        """A list of the lexicon's word tables as a set of lemma keys (empty when the lexicon has no such table)."""
        return frozenset(lemma_key(w) for w in self.words.get(table, {}).get(key, []))

    def event_type(self, code: str) -> str:
        root = code[:ROOT_DIGITS]
        return f"{root} {self.roots[root]}"

    def code_name(self, code: str) -> str:
        return self.codes.get(code) or self.roots[code[:ROOT_DIGITS]]


def lemma_key(lemma: str) -> str:
    return lemma.lower().replace("ё", "е")


def role_stem(lemma: str) -> str:
    """What a role or institution noun shares with the name it stands for: «комитет» in «Следственный комитет»,
    «депутат» in «депутатом» (its last two letters cut, at least four kept)."""
    return lemma[: max(4, len(lemma) - 2)]


def parse_lexicon(text: str) -> Lexicon:
    """Read a lexicon in the format of event_lexicon.toml; every trigger's code must be known."""
    data = tomllib.loads(text)
    roots, codes = data["roots"], data.get("codes", {})
    triggers = {lemma_key(lemma): code for lemma, code in data["triggers"].items()}
    for lemma, code in triggers.items():
        if code[:ROOT_DIGITS] not in roots or (len(code) > 2 and code not in codes):
            raise ValueError(f"event lexicon: trigger {lemma!r} has unknown CAMEO code {code!r}")
    words = {key: value for key, value in data.items() if key not in ("roots", "codes", "triggers")}
    return Lexicon(triggers=triggers, roots=roots, codes=codes, words=words)


@functools.cache
def load_lexicon() -> Lexicon:
    return parse_lexicon(resources.files("transforms").joinpath("event_lexicon.toml").read_text(encoding="utf-8"))


@dataclass
class Token:
    index: int
    text: str
    start: int
    stop: int
    pos: str = ""
    feats: dict | None = None
    lemma: str = ""
    head: int = -1
    rel: str = ""


@functools.lru_cache(
    maxsize=8_192
)  # every word of a candidate sentence needs one; common words recur (69 % hits, 73 % with 20,000)
def _lemma(morph_vocab, word: str, pos: str, feats: tuple) -> str:
    """natasha's contextual lemma of a word (its form that best matches `pos` and `feats`), as lemma_key."""
    return lemma_key(morph_vocab.lemmatize(word, pos, dict(feats)))


class EventTagger:
    """Finds events in the sentences of analysed articles; holds the models and the trigger word forms."""

    def __init__(self, models: NatashaModels, lexicon: Lexicon, confidence: ConfidenceModel | None = None):
        self.models = models
        self.lexicon = lexicon
        self.confidence = confidence or ConfidenceModel()
        self.trigger_forms = trigger_forms(lexicon.triggers, models.morph_vocab)
        self.visit_lemmas = {lemma for lemma, code in lexicon.triggers.items() if code in VISIT_CODES}
        self.words = Words(lexicon)
        # forms that are forms of a statement noun and of no other trigger
        other_forms = trigger_forms(
            [t for t in lexicon.triggers if t not in self.words.statement_nouns], models.morph_vocab
        )
        self.statement_noun_forms = trigger_forms(self.words.statement_nouns, models.morph_vocab) - other_forms
        self.genre_forms = {
            name: (
                genre.get("min_words", 1),
                frozenset(genre.get("roots", [])),
                word_forms(genre["words"], models.morph_vocab),
            )
            for name, genre in lexicon.words.get("genres", {}).items()
        }

    def may_be_trigger(self, word: str) -> bool:
        """Whether the word is an inflected form of a trigger in the dictionary (no context: a set lookup)."""
        return lemma_key(word) in self.trigger_forms

    def candidates(self, doc: Doc) -> list[tuple[int, object]]:
        """(sentence index, sentence) of the doc's sentences holding a possible trigger.

        A form of a statement noun only («слова», «мнения») counts only after «по» («по словам», «по его
        словам»), the one phrase it is a trigger in: the sentences with «другими словами» are not parsed.
        """
        found = []
        for n, sent in enumerate(doc.sents):
            words = [lemma_key(t.text) for t in sent.tokens]
            for i, word in enumerate(words):
                if not self.may_be_trigger(word):
                    continue
                if word in self.statement_noun_forms and STATEMENT_CASE not in words[max(0, i - 2) : i]:
                    continue
                found.append((n, sent))
                break
        return found

    def sentence_tokens(self, sent) -> list[Token]:
        """The tokens of a natasha sentence that `transforms.analysis.parse_syntax` parsed, with their lemmas."""
        tokens = []
        for i, tok in enumerate(sent.tokens):
            head = int(tok.head_id.rsplit("_", 1)[1]) - 1  # natasha's ids read «sentence_token», counted from 1
            lemma = _lemma(self.models.morph_vocab, tok.text, tok.pos, tuple(tok.feats.items()))
            tokens.append(Token(i, tok.text, tok.start, tok.stop, tok.pos, tok.feats, lemma, head, tok.rel))
        return tokens

    def excluded_roots(self, text: str) -> frozenset[str]:
        """The roots an article's genre rules out: the genres with at least their `min_words` words in the text."""
        words = {lemma_key(w) for w in WORD.findall(text)}
        excluded: set[str] = set()
        for min_words, roots, forms in self.genre_forms.values():
            if len({forms[w] for w in words if w in forms}) >= min_words:
                excluded |= roots
        return frozenset(excluded)

    def article_events(
        self, text: str, mentions: list[dict], dates: list[dict], sentences, published: date | None = None
    ) -> list[dict]:
        """Events of one article as dicts (EVENTS_SCHEMA columns plus `participants` and `role_entities`).

        `sentences`: (sentence index, natasha sentence, parsed tokens) of its candidate sentences;
        `published`: its publication date, which dates of future events are resolved forward from.
        """
        mention_starts = [m["start"] for m in mentions]
        article = Article(text, mentions, mention_starts, published, self.excluded_roots(text))
        events = []
        for sentence_no, sent, tokens in sentences:
            sentence = Sentence(tokens, text[sent.start : sent.stop], article, self, sent.start)
            for token in tokens:
                code = self.lexicon.triggers.get(token.lemma)
                if code is None or token.pos not in TRIGGER_POS or is_nominal_participle(token):
                    continue
                code = sentence.sense(token, code)
                if code is None:
                    continue
                event = sentence.event(token, dates)
                event.update(
                    type=self.lexicon.event_type(code),
                    cameo_code=code,
                    cameo_name=self.lexicon.code_name(code),
                    sentence=sentence_no,
                    sentence_start=sent.start,
                    sentence_stop=sent.stop,
                )
                events.append(event)
        return events


class Words:
    """The lexicon's word tables as sets of lemma keys, for the sense and participant rules."""

    def __init__(self, lexicon: Lexicon):
        self.statement_nouns = lexicon.word_set("statement_nouns", "nouns")
        self.talk_nouns = lexicon.word_set("talk_nouns", "nouns")
        self.talk_modifiers = lexicon.word_set("talk_nouns", "modifiers")
        self.interview_nouns = lexicon.word_set("interviews", "nouns")
        self.interview_parties = lexicon.word_set("interviews", "parties") | lexicon.word_set("attribution", "outlets")
        self.attribution_verbs = lexicon.word_set("attribution", "verbs")
        self.attribution_speakers = lexicon.word_set("attribution", "speakers")
        self.outlets = lexicon.word_set("attribution", "outlets")
        self.appeal_nouns = lexicon.word_set("appeal_nouns", "nouns")
        self.appeal_contents = lexicon.word_set("appeal_nouns", "contents")
        self.generic_senders = lexicon.word_set("appeal_nouns", "generic_senders")
        self.signing = lexicon.word_set("signing", "triggers")
        self.legal_acts = lexicon.word_set("signing", "legal_acts")
        self.searches = lexicon.word_set("searches", "nouns")
        self.refusals = lexicon.word_set("refusals", "verbs")
        self.refused = lexicon.word_set("refusals", "objects")
        self.aid_nouns = lexicon.word_set("aid", "nouns")
        self.not_aid_cases = lexicon.word_set("aid", "not_cases")
        self.aid_services = lexicon.word_set("aid", "services")
        self.aid_bodies = lexicon.word_set("aid", "bodies")
        self.captions = lexicon.word_set("signing", "captions")
        self.releases = lexicon.word_set("release", "verbs")
        self.freed_up = lexicon.word_set("release", "freed_up")
        self.recall_verbs = lexicon.word_set("attribution", "recall_verbs")
        self.private_visits = lexicon.word_set("visits", "private")
        self.price_verbs = lexicon.word_set("prices", "verbs")
        self.money = lexicon.word_set("prices", "money")
        self.amounts = lexicon.word_set("prices", "amounts")
        self.offer_verbs = lexicon.word_set("offers", "verbs")
        self.customers = lexicon.word_set("offers", "customers")
        self.scenes = lexicon.word_set("visits", "scenes")
        self.dating_verbs = lexicon.word_set("dating", "verbs")
        self.dating_phases = lexicon.word_set("dating", "phases")
        self.service_nouns = lexicon.word_set("services", "nouns")
        self.service_professions = lexicon.word_set("services", "professions")
        self.application_heads = lexicon.word_set("applications", "heads")
        self.lawsuit_modifiers = lexicon.word_set("applications", "lawsuit_modifiers")
        self.lawsuit_code = lexicon.words.get("applications", {}).get("lawsuit_code")
        self.charge_triggers = lexicon.word_set("legal_charge", "triggers")
        self.charge_words = lexicon.word_set("legal_charge", "words")
        self.charge_code = lexicon.words.get("legal_charge", {}).get("code")
        self.institutions = lexicon.word_set("institutions", "nouns")
        self.anaphoric = lexicon.word_set("institutions", "anaphoric")
        self.state_nouns = lexicon.word_set("institutions", "state_nouns")
        self.state_name_stems = tuple(lexicon.word_set("institutions", "state_name_stems"))
        self.habitual = lexicon.word_set("habitual", "adverbs")
        self.generic_quantifiers = lexicon.word_set("generic_subjects", "quantifiers")
        self.generic_experts = lexicon.word_set("generic_subjects", "experts")
        self.text_nouns = lexicon.word_set("texts", "nouns")
        self.opinion_verbs = lexicon.word_set("opinion_verbs", "verbs")
        self.poll_subjects = lexicon.word_set("polls", "subjects")
        self.violence_on_people = lexicon.word_set("violence_on_people", "verbs")
        self.needed_words = {
            lemma_key(trigger): frozenset(lemma_key(w) for w in needed)
            for trigger, needed in lexicon.words.get("needs_word", {}).items()
        }


@dataclass
class Article:
    """What the rules of a sentence need of its article."""

    text: str
    mentions: list[dict]  # sorted by start
    mention_starts: list[int]
    published: date | None
    excluded_roots: frozenset[str]  # the roots its genre rules out
    quotes: list[tuple[int, int]] = field(default_factory=list)  # spans of its quotations
    teasers: list[tuple[int, int]] = field(default_factory=list)  # spans of its cut-off link headlines
    genders: dict[str, str | None] | None = None  # entity_id → the gender its first name gives (`person_gender`)

    def __post_init__(self):
        self.quotes = quotations(self.text)
        self.teasers = teasers(self.text)

    @functools.cached_property
    def folded(self) -> str:
        """The text in lower case with «ё» as «е», as names are compared (`lemma_key`); the same offsets."""
        return lemma_key(self.text)

    def in_quote(self, offset: int) -> bool:
        return any(start < offset < stop for start, stop in self.quotes)

    def in_teaser(self, offset: int) -> bool:
        return any(start <= offset < stop for start, stop in self.teasers)


QUOTATION_MIN = 40  # characters: shorter quoted spans are names («Рональд Рейган»), not quotations


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of the text's quotations: «…» (nested ones inside), "…", “…”, of at least QUOTATION_MIN characters."""
    spans, depth, start = [], 0, 0
    for match in re.finditer(r"[«»]", text):
        if match.group() == "«":
            start = match.start() if depth == 0 else start
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    for match in re.finditer(r'"[^"\n]*"|“[^”\n]*”|„[^“”\n]*[“”]', text):
        spans.append(match.span())
    return [(a, b) for a, b in spans if b - a >= QUOTATION_MIN]


# A line cut off by an ellipsis right after a word: «Андрей Иванов рассказал о своей…».
TEASER_LINE = re.compile(r"^[^\n]*\w(?:…|\.\.\.)[ \t]*$", re.MULTILINE)
TEASERS_MIN = 3  # a list of them is a block of links to other articles; one such line may be a trailing-off quote


def teasers(text: str) -> list[tuple[int, int]]:
    """Spans of the headlines of other articles a page lists as links, each cut off by an ellipsis: they report
    no event of this article (when at least TEASERS_MIN lines of the text are such)."""
    spans = [m.span() for m in TEASER_LINE.finditer(text)]
    return spans if len(spans) >= TEASERS_MIN else []


WORD = re.compile(r"[\w-]+")


def word_forms(lemmas, morph_vocab) -> dict[str, str]:
    """Every dictionary form of the given lemmas (lowercase, ё as е) → its lemma."""
    forms = {}
    for lemma in map(lemma_key, lemmas):
        forms[lemma] = lemma
        for parse in morph_vocab.parse(lemma):
            if lemma_key(parse.normal_form) == lemma:
                forms.update((lemma_key(form.word), lemma) for form in parse.lexeme)
    return forms


def trigger_forms(lemmas, morph_vocab) -> frozenset[str]:
    """Every dictionary form of every trigger lemma (lowercase, ё as е).

    A word may be a trigger only if one of its dictionary lemmas is one, that
    is if it is a form of a trigger's paradigm: so only sentences holding one
    of these forms need the costly parse.
    """
    return frozenset(word_forms(lemmas, morph_vocab))


@functools.lru_cache(maxsize=4_096)
def name_gender(morph_vocab, word: str) -> str | None:
    """The gender of a first name («Мария» → Fem, «Степан» → Masc), or None for any other word or an
    ambiguous one («Саша»)."""
    # only the dictionary's names: pymorphy guesses a gender for any unknown word («Шмидт», «Айдана»)
    genders = {p.tag.gender for p in morph_vocab.parse(word.lower()) if "Name" in p.tag and p.is_known}
    return NAME_GENDERS.get(genders.pop()) if len(genders) == 1 else None


def is_passive(token: Token) -> bool:
    """A passive verb or participle: «обследованы», «было возбуждено»."""
    return (token.feats or {}).get("Voice") == "Pass"


def role_participant(lemma: str, start: int, stop: int) -> dict:
    """A participant named by a common noun («полиция», «жители»): an entity of type ROLE named by the noun's lemma."""
    return {"entity_id": entity_id_of(ROLE_TYPE, lemma), "type": ROLE_TYPE, "name": lemma, "start": start, "stop": stop}


def is_nominal_participle(token: Token) -> bool:
    """«протестующих», «задержанных» used as nouns name people, not events."""
    return (token.feats or {}).get("VerbForm") == "Part" and token.rel in NOMINAL_RELS


class Sentence:
    """One parsed sentence with its entity mentions: the argument, place, date and modality rules."""

    def __init__(self, tokens: list[Token], text: str, article: Article, tagger: EventTagger, offset: int = 0):
        self.tokens = tokens
        self.trigger_lemmas = tagger.lexicon.triggers
        self.visit_lemmas = tagger.visit_lemmas
        self.morph_vocab = tagger.models.morph_vocab
        self.words = tagger.words
        self.text = text
        self.offset = offset  # where the sentence starts in the article's text
        self.children: list[list[Token]] = [[] for _ in tokens]
        for token in tokens:
            if 0 <= token.head < len(tokens) and token.head != token.index:
                self.children[token.head].append(token)
        self.article = article
        self.mentions = article.mentions
        self.mention_starts = article.mention_starts

    # -- the tree ---------------------------------------------------------------

    def head(self, token: Token) -> Token | None:
        return self.tokens[token.head] if 0 <= token.head < len(self.tokens) and token.head != token.index else None

    def case_of(self, token: Token) -> str:
        """The preposition of a nominal («в» of «в Париже»), or ''."""
        for child in self.children[token.index]:
            if child.rel == "case":
                return child.lemma
        return ""

    def is_clause_head(self, token: Token) -> bool:
        return (
            token.rel in CLAUSE_RELS
            or (token.rel == "conj" and token.pos in ("VERB", "AUX"))
            or (token.rel == "acl" and any(c.rel == "mark" for c in self.children[token.index]))
        )  # «показания о том, что они обсуждали»: a clause of its own

    def chain(self, token: Token) -> list[Token]:
        """The token and the words it depends on, up to and including its clause head."""
        chain = [token]
        seen = {token.index}
        while not self.is_clause_head(chain[-1]):
            head = self.head(chain[-1])
            if head is None or head.index in seen:
                break
            chain.append(head)
            seen.add(head.index)
        return chain

    def clause_head(self, token: Token) -> Token:
        return self.chain(token)[-1]

    def conjuncts(self, token: Token) -> list[Token]:
        """The token and its conjuncts, recursively («Стармер, Макрон и Зеленский»)."""
        found, todo = [], [token]
        while todo:
            current = todo.pop(0)
            if current.index in {t.index for t in found}:
                continue
            found.append(current)
            todo.extend(c for c in self.children[current.index] if c.rel == "conj")
        return found

    # -- entities ---------------------------------------------------------------

    def mention_at(self, token: Token) -> dict | None:
        i = bisect.bisect_right(self.mention_starts, token.start) - 1
        if i >= 0 and self.mentions[i]["start"] <= token.start < self.mentions[i]["stop"]:
            return self.mentions[i]
        return None

    def entities_of(self, argument: Token) -> list[dict]:
        """Mentions an argument stands for, with its conjuncts.

        A word that is no entity itself stands for the entities of its appos/flat
        words («посланники … Стив Уиткофф»), else for a person named further
        down its name phrases («посол Италии в Грузии Виторио Сандали»), else for
        the entities of its genitive nmod words («представители Украины»). The
        relative «который» stands for the noun its clause describes.
        """
        clause = self.clause_head(argument)
        if argument.lemma == "который" and clause.rel == "acl:relcl" and self.head(clause) is not None:
            argument = self.head(clause)
        found = []
        for word in self.conjuncts(argument):
            mention = self.mention_at(word)
            if mention is not None:
                found.append(mention)
            else:
                found.extend(
                    self._named_children(word, NAME_RELS)
                    or self._person_below(word)
                    or self._named_children(word, ("nmod",))
                    or self.stand_in(word)
                )
        return found

    def stand_in(self, word: Token) -> list[dict]:
        """The participant a word that names no entity stands for, as a one-item list (or []).

        - «он», «она»: the person last named before it in the article;
        - «ведомство», «министерство», ...: the organisation last named before it;
        - a role noun («депутат», «политолог») that an earlier mention of a
          person carried («депутат Степан Чернявский»): that person; an
          institution noun («прокуратура») an earlier organisation's name
          contains: that organisation;
        - else an institution noun, or a noun naming people («жители»,
          «неизвестные»): a participant of type ROLE named by its lemma
          (`role_participant`).
        """
        start = word.start
        feats = word.feats or {}
        if word.pos in ("PRON", "DET") and word.lemma in PERSON_PRONOUNS:
            quoted = self.article.in_quote(start)  # outside a quotation, «он» is not a person the quotation names
            gender = feats.get("Gender") or PRONOUN_GENDERS.get(word.lemma)
            return self._last_named(
                start,
                lambda m: (
                    m["type"] == "PER" and (quoted or not self.article.in_quote(m["start"])) and self._agrees(m, gender)
                ),
            )
        if word.pos not in ("NOUN", "PROPN") or (
            feats.get("Animacy") != "Anim" and word.lemma not in self.words.institutions
        ):
            return []
        if word.lemma in self.words.anaphoric:
            return self._last_organisation(word.lemma, start)
        below = self._named_below(
            word
        )  # «специалисты национального парка «Сенгилеевские горы»», «пресс-служба ведомства»
        if below:
            return below
        if feats.get("Animacy") != "Anim":
            return self._institution(word)
        stem, text = role_stem(word.lemma), self.article.folded
        # the role word right before the name: «депутат Степан Чернявский», not «представителями команды Трампа»
        titled = re.compile(rf"(?<!\w){re.escape(stem)}\w*\s+\Z")
        found = self._last_named(
            start, lambda m: m["type"] == "PER" and titled.search(text, max(0, m["start"] - 40), m["start"])
        )
        if not found and self._bare_speaker(word):
            # «– сказал губернатор», «говорит эксперт»: the person the article quotes, named before
            quoted = self.article.in_quote(start)
            gender = (self.head(word).feats or {}).get("Gender") if word.rel == "nsubj" else None  # «сказала»
            found = self._last_named(
                start,
                lambda m: (
                    m["type"] == "PER" and (quoted or not self.article.in_quote(m["start"])) and self._agrees(m, gender)
                ),
            )
        return found or [role_participant(self._role_name(word), start, start + len(word.text))]

    def _role_name(self, word: Token) -> str:
        """The name of a ROLE participant: the noun's lemma; for a participle used as a noun, whose lemma is
        its verb («осужденного» → «осудить»), the participle («осужденный», «подозреваемый»)."""
        if word.lemma.endswith(("ть", "ться", "чь")):
            for parse in self.morph_vocab.parse(word.text.lower()):
                form = parse.inflect({"Masc", "Sing", "Nom"}) if parse.tag.POS == "PRTF" else None  # natasha: UD grams
                if form is not None:
                    return lemma_key(form.word)
        return word.lemma

    def _bare_speaker(self, word: Token) -> bool:
        """A singular role noun with no words of its own that is the subject of a statement («сказал губернатор»,
        «эксперт отметил», «сама теннисистка рассказала») or the speaker of «по словам» («по словам депутата»);
        not «другой осужденный», «представитель компании»."""
        head = self.head(word)
        speaks = word.rel == "nsubj" or (  # «по словам депутата», «по мнению эксперта»
            word.rel == "nmod"
            and not self.case_of(word)
            and head is not None
            and head.lemma in self.words.statement_nouns
        )
        return (
            speaks
            and (word.feats or {}).get("Number") == "Sing"
            and head is not None
            and self.trigger_lemmas.get(head.lemma, "")[:ROOT_DIGITS] == STATEMENT_ROOT
            and all(c.rel in ("punct", "case") or c.lemma == "сам" for c in self.children[word.index])
        )

    def _named_below(self, word: Token, depth: int = 3) -> list[dict]:
        """The organisation (or place) a role or institution noun belongs to, down its genitive nmods:
        «сотрудники отдела … парка «Сенгилеевские горы»» → the park; «пресс-служба ведомства» → the ministry.

        A place below an institution noun is where that institution is, not the doer: «пресс-служба
        прокуратуры Самарской области» → the prosecutor's office (`_institution`), not the region."""
        level = [(word, word)]  # (a word down the genitives, the nearest institution noun above it)
        for _ in range(depth):
            level = [
                (c, c if c.lemma in self.words.institutions else owner)
                for w, owner in level
                for c in self.children[w.index]
                if c.rel in ("nmod", "appos") and not self.case_of(c)
            ]
            for child, owner in level:
                mention = self.mention_at(child) or next(
                    (
                        m
                        for c in self.children[child.index]
                        if c.rel in NAME_RELS + ("appos",) and (m := self.mention_at(c))
                    ),
                    None,
                )
                if mention is not None and mention["type"] == "LOC" and owner.lemma in self.words.institutions:
                    return self._institution(owner) if owner is not word else []
                if mention is not None and mention["type"] in ("ORG", "LOC"):
                    return [mention]
                if child.lemma in self.words.anaphoric:
                    return self._last_organisation(child.lemma, child.start)
        return []

    def _institution(self, word: Token) -> list[dict]:
        """An institution noun as a participant: the organisation named before whose name holds its stem
        («Следственный комитет» for «комитет»), else a ROLE participant named by it."""
        start, stem, text = word.start, role_stem(word.lemma), self.article.folded
        found = self._last_named(start, lambda m: m["type"] == "ORG" and stem in text[m["start"] : m["stop"]])
        return found or [role_participant(word.lemma, start, start + len(word.text))]

    def _last_organisation(self, lemma: str, start: int) -> list[dict]:
        """The organisation an anaphoric noun stands for: for «ведомство», «министерство» the last state body
        named («Минэнерго», «Министерство обороны Турции»), else (or when none is) the last organisation."""
        if lemma in self.words.state_nouns:
            text = self.article.text
            stems = self.words.state_name_stems
            found = self._last_named(
                start,
                lambda m: (
                    m["type"] == "ORG"
                    and any(w.startswith(stems) for w in WORD.findall(lemma_key(text[m["start"] : m["stop"]])))
                ),
            )
            if found:
                return found
        return self._last_named(start, lambda m: m["type"] == "ORG")

    def _agrees(self, mention: dict, gender: str | None) -> bool:
        """Whether a person may be referred to by a word of `gender` («она», «сказала»): not when a first name
        of theirs in the article is of the other gender (a surname alone says nothing: «Петрова»)."""
        if gender not in ("Masc", "Fem"):
            return True
        if self.article.genders is None:
            self.article.genders = {}
            for m in self.mentions:
                if m["type"] == "PER" and self.article.genders.get(m["entity_id"]) is None:
                    words = WORD.findall(self.article.text[m["start"] : m["stop"]])
                    self.article.genders[m["entity_id"]] = next(
                        filter(None, (name_gender(self.morph_vocab, w) for w in words)), None
                    )
        return self.article.genders.get(mention["entity_id"]) in (None, gender)

    def _last_named(self, start: int, fits) -> list[dict]:
        """The last mention before `start` (within ANAPHORA_REACH characters) that `fits`, as a one-item list."""
        i = bisect.bisect_left(self.mention_starts, start) - 1
        while i >= 0 and start - self.mentions[i]["start"] <= ANAPHORA_REACH:
            if fits(self.mentions[i]):
                return [self.mentions[i]]
            i -= 1
        return []

    def _named_children(self, word: Token, rels) -> list[dict]:
        return [
            m
            for child in self.children[word.index]
            if child.rel in rels and not self.case_of(child)
            for c in self.conjuncts(child)
            if (m := self.mention_at(c))
        ]

    def _person_below(self, word: Token, depth: int = 3) -> list[dict]:
        """The PER mentions nearest below `word` through name phrases (appos, flat, genitive nmod)."""
        level = [word]
        for _ in range(depth):
            level = [
                c
                for w in level
                for c in self.children[w.index]
                if c.rel in NAME_RELS + ("nmod",) and not self.case_of(c)
            ]
            people = [m for w in level for c in self.conjuncts(w) if (m := self.mention_at(c)) and m["type"] == "PER"]
            if people:
                return people
        return []

    # -- word sense ---------------------------------------------------------------

    def sense(self, trigger: Token, code: str) -> str | None:
        """The CAMEO code of a trigger in this context, or None when the word is not used in its event sense here."""
        root = code[:ROOT_DIGITS]
        words = self.words
        children = self.children[trigger.index]
        child_lemmas = {c.lemma for c in children}
        feats = trigger.feats or {}
        if self.mention_at(trigger) is not None:
            return None  # part of a name: «Госбюро расследований», «Совет безопасности»
        if self.article.text[trigger.start - 1 : trigger.start] == "#":
            return None  # a hashtag
        if LAW_ARTICLE_TITLE.search(self.article.text[max(0, trigger.start - 60) : trigger.start]):
            return None  # «ст. 105 УК РФ (убийство)», «по статье «Убийство»»: an article's title names a crime
        if self.article.in_teaser(trigger.start):
            return None  # the headline of another article, in a list of links
        if trigger.pos == "NOUN" and trigger.lemma.endswith(("ть", "ться", "чь")):
            return None  # a verb's participle used as a noun: «осужденного», «задержанных»
        if trigger.lemma in words.opinion_verbs and not (
            trigger.rel == "parataxis" or any(c.rel in ("ccomp", "parataxis") for c in children)
        ):
            return None  # «считать деньги»; a statement only as «считает, что …» or «…, – считает эксперт»
        if trigger.lemma in words.violence_on_people and not any(
            c.rel in ("obj", "nsubj:pass")
            and (
                (c.feats or {}).get("Animacy") == "Anim"
                or c.pos == "PRON"
                or (self.mention_at(c) or {}).get("type") == "PER"
            )
            for c in children
        ):
            return None  # «ударил по воротам», «порезал хлеб»: violence is done to someone
        if (needed := words.needed_words.get(trigger.lemma)) is not None and not (
            child_lemmas | {h.lemma for h in [self.head(trigger)] if h is not None}
        ) & needed:
            return None  # «назначил директора», «нанес ущерб»: the word's event sense needs one of these beside it
        if root in self.article.excluded_roots:
            return None  # the article's genre: a «встреча» of two teams
        if trigger.lemma in words.statement_nouns and self.case_of(trigger) != STATEMENT_CASE:
            return None  # «слово», «мнение» are statements only as «по словам X», «по мнению X»
        if trigger.lemma in words.interview_nouns and any(
            (self.case_of(c) in ("с", "со") and (self.mention_at(c) or {}).get("type") == "ORG")
            or (c.lemma in words.interview_parties and (self.case_of(c) in ("с", "со") or c.rel == "nmod"))
            for c in children
        ):
            return None  # «в беседе с RT», «беседа с полицейскими», «звонок корреспондента»: an interview
        if trigger.lemma in words.service_nouns and any(
            c.lemma in words.service_professions and c.rel == "nmod" for c in children
        ):
            return None  # «встречи с психологом», «консультация юриста»: a service to clients
        if trigger.lemma in words.talk_nouns and not (
            child_lemmas & words.talk_modifiers or any(self.case_of(c) in ("с", "со") for c in children)
        ):
            return None
        previous = self.tokens[trigger.index - 1].lemma if trigger.index else ""
        if trigger.lemma in words.aid_nouns and (
            self.case_of(trigger) in words.not_aid_cases
            or previous in words.not_aid_cases  # «с помощью» the parser attached elsewhere
            or child_lemmas & words.aid_services
            or (trigger.rel == "nmod" and (head := self.head(trigger)) is not None and head.lemma in words.aid_bodies)
        ):
            return None  # «с его помощью», «за помощью», «скорая помощь», «центр помощи детям»
        if trigger.lemma in words.appeal_nouns and any(
            (self.case_of(c) in ("с", "со") and c.lemma not in words.appeal_contents)
            or (c.lemma in words.generic_senders and not self.case_of(c) and not self._named_children(c, NAME_RELS))
            for c in children
        ):
            return None  # «обращение с отходами», «рассмотрение обращений граждан»
        if trigger.lemma in words.signing and any(
            c.rel in ("obj", "nsubj:pass", "nmod") and c.lemma in words.legal_acts | words.captions for c in children
        ):
            return None  # «подписал указ», «закон подписан»: legislation; «подписала снимок»: a caption
        if (
            trigger.lemma in words.releases
            and not any(self.case_of(c) == "от" for c in children)
            and any(c.rel in ("obj", "nsubj:pass") and c.lemma in words.freed_up for c in children)
        ):
            return None  # «освободили коридоры», «освободил должность»: a thing freed up, no one released
        if trigger.lemma in words.price_verbs and any(
            c.rel == "obj"
            and (
                c.lemma in words.money
                or (c.lemma in words.amounts and any(g.lemma in words.money for g in self.children[c.index]))
            )
            for c in children
        ):
            return None  # «просят 24 гривны», «запросили 200 тысяч рублей»: a price asked
        if trigger.lemma in words.offer_verbs and any(
            c.rel in ("iobj", "obl", "nmod") and c.lemma in words.customers and not self.case_of(c) for c in children
        ):
            return None  # «банк предложил клиентам новый сервис»: a product on sale
        if code in VISIT_CODES and any(
            (c.lemma in words.private_visits and self.case_of(c) == "в")
            or (c.lemma in words.scenes and self.case_of(c) == "на")
            for c in children
        ):
            return None  # «приехала в гости к подруге»: a private visit; «прибыли на место»: a scene reached
        if (
            trigger.lemma in words.dating_verbs
            and (head := self.head(trigger)) is not None
            and head.lemma in words.dating_phases
        ):
            return None  # «начали встречаться»: dating
        if trigger.lemma in words.searches and self.case_of(trigger) not in ("в", "во"):
            return None  # «начальник уголовного розыска»: a police service, not «объявлен в розыск»
        following = self.tokens[trigger.index + 1 : trigger.index + 2]  # «отказались сдаваться», however parsed
        if trigger.lemma in words.refusals and not any(
            c.rel == "xcomp"
            or (c.feats or {}).get("VerbForm") == "Inf"
            or (self.case_of(c) == "от" and (c.lemma in words.refused or c.lemma in self.trigger_lemmas))
            for c in children + [t for t in following if (t.feats or {}).get("VerbForm") == "Inf"]
        ):
            return None  # «отказаться от курения», «а позже отказались»: nothing asked or offered is refused
        if trigger.lemma in ("требование", "требовать") and not self._demand_sense(trigger):
            return None  # «отвечает требованиям», «ситуация требует усилий»
        if code in HOST_CODES and not any(
            c.rel == "obj" and ((c.feats or {}).get("Animacy") == "Anim" or self.mention_at(c)) for c in children
        ):
            return None  # «принимать участие / решение / меры»
        if trigger.lemma == "заявление" and child_lemmas & words.lawsuit_modifiers and words.lawsuit_code:
            code, root = words.lawsuit_code, words.lawsuit_code[:ROOT_DIGITS]  # «исковое заявление»: a lawsuit
        elif trigger.lemma == "заявление" and (
            any(self.case_of(c) in ("в", "во") and c.lemma in words.institutions for c in children)
            or ((head := self.head(trigger)) is not None and head.lemma in words.application_heads)
        ):
            return None  # «заявление в полицию», «подал заявление»: a complaint or an application filed
        if trigger.pos == "VERB" and self._subject_is_a_thing(trigger):
            return None  # an event has a doer: «ситуация требует», «снимки помогли»
        if code.startswith("18") and self._describes_a_thing(trigger):
            return None  # «похищенные письма»: stolen things, not an abduction
        if feats.get("Tense") == "Pres" and self._describes_a_thing(trigger):
            return None  # «опасность, угрожающая жизни», «обсуждаемый вопрос»: a property of a thing
        if code.startswith("18") and any(
            c.rel == "obj" and (c.feats or {}).get("Animacy") == "Inan" and not self.mention_at(c) for c in children
        ):
            return None  # «похитить деньги» is theft, not abduction
        if root == "01" and not self._speech_sense(trigger):
            return None
        chain = self.chain(trigger)
        if any(c.lemma in words.habitual for t in chain for c in self.children[t.index] if c.rel == "advmod"):
            return None  # «часто обсуждают»: a kind of event
        if self._generic_subject(trigger):
            return None  # «некоторые водители жалуются», «не все из них считают»: a kind of event
        if trigger.lemma == "встречаться" and self._is_encountered(trigger):
            return None  # «встречаются и такие инспекторы»: there are, not a meeting
        if (head := self.head(trigger)) is not None and head.lemma == "право":
            return None  # «право на обращение в суд», «право обжаловать»: a right, not its use
        if (
            feats.get("VerbForm") == "Inf"
            and feats.get("Aspect") == "Imp"
            and head is not None
            and head.lemma in ABILITY_WORDS
        ):
            return None  # «может посещать детский сад», «можно обсуждать»: what may be done, not an act
        if trigger.pos == "NOUN" and head is not None and head.lemma in PREPARATIONS:
            return None  # «подготовка к саммиту», «приготовление к теракту»: the event has not taken place
        if self._in_a_text(trigger):
            return None  # «объявление, где обещала снять порчу»: what a text says, no one's act
        if trigger.lemma in MEDICAL_EXAMS and any(
            c.rel == "obj" and (c.feats or {}).get("Animacy") == "Anim" for c in children
        ):
            return None  # «врачи осмотрели пострадавшего», «осмотрели собаку»: a medical examination
        below_chain = [c for t in chain for c in self.children[t.index]]
        if any(c.lemma == "если" and c.rel == "mark" for c in below_chain) and not any(
            c.lemma == "бы" for c in below_chain
        ):
            return None  # «если Рада одобрит ходатайство»: an open condition; «если бы встретился» is uncertain
        if (
            trigger.pos == "VERB"
            and feats.get("Person") == "1"
            and feats.get("Tense") == "Pres"
            and trigger.lemma not in PERFORMATIVES
        ):
            return None  # «хорошо общаемся»: what we do, not an event
        if (
            root == STATEMENT_ROOT
            and trigger.pos == "VERB"
            and feats.get("Person") == "1"
            and feats.get("Number") == "Plur"
            and not any(c.rel == "nsubj" for c in children)
        ):
            return None  # «Добавим, что …», «Напомним»: the outlet's own words to the reader, no one's statement
        if self._prohibited(trigger):
            return None  # a rule of conduct: «на сайте нельзя: угрожать …; обсуждать действия модераторов»
        if any((t.feats or {}).get("Mood") == "Imp" or t.lemma == "приглашать" for t in chain):
            return None  # «Приглашаем всех посетить»: an invitation to the reader
        if (
            trigger.pos == "NOUN"
            and feats.get("Number") == "Plur"
            and any(t.lemma == "мочь" for t in chain[1:])
            and not any(self.mention_at(c) for c in children)
        ):
            return None  # «могут совершить теракты»: what may happen in general
        if trigger.lemma in CONVICTION_LEMMAS and is_passive(trigger):
            return CONVICTION_CODE  # «был осужден», «осуждены несколько участников»: convicted, not condemned
        if trigger.lemma in words.charge_triggers and words.charge_code:
            below = [c for c in children for c in (c, *self.children[c.index])]  # «по статье», «в нанесении вреда»
            if {t.lemma for t in below} & words.charge_words:
                return words.charge_code  # «обвиняют по статье»: a criminal charge
        return code

    def _prohibited(self, trigger: Token) -> bool:
        """An infinitive with no subject under a word of prohibition, through other infinitives and conjuncts, with no
        finite verb between: «нельзя угрожать», «запретили им обращаться куда-либо и общаться с журналистами»."""
        if (trigger.feats or {}).get("VerbForm") != "Inf" or any(
            c.rel == "nsubj" for c in self.children[trigger.index]
        ):
            return False
        current = trigger
        for _ in range(PROHIBITION_REACH):
            head = self.head(current)
            if head is None or ((head.feats or {}).get("VerbForm") == "Fin" and head.lemma not in PROHIBITIONS):
                return False
            if head.lemma in PROHIBITIONS:
                return current.rel in ("csubj", "xcomp")
            if head.pos in ("NOUN", "PROPN", "PRON"):
                return False  # «право на …», an infinitive describing a noun
            current = head
        return False

    def _generic_subject(self, trigger: Token) -> bool:
        """A present-tense verb whose subject is some or many unnamed people: «некоторые женщины жалуются»,
        «многие считают», «не все из них считают», «медики отмечают»."""
        if trigger.pos != "VERB" or (trigger.feats or {}).get("Tense") != "Pres":
            return False
        for subject in self.children[trigger.index]:
            if subject.rel == "nsubj" and not self._names(subject):
                words = [subject, *(c for c in self.children[subject.index] if c.rel in ("det", "amod"))]
                if any(w.lemma in self.words.generic_quantifiers for w in words):
                    return True
                if (
                    subject.lemma in self.words.generic_experts
                    and (subject.feats or {}).get("Number") == "Plur"
                    and not any(c.rel == "nmod" for c in self.children[subject.index])
                    and not ATTRIBUTION_DASH.search(self.article.text[max(0, trigger.start - 6) : trigger.start])
                ):
                    return True  # «медики отмечают»: doctors in general; not «медики больницы отмечают», nor
                    # «…», – заявляют ученые»: the words quoted are someone's
        return False

    def _in_a_text(self, trigger: Token) -> bool:
        """A trigger in a subject-less relative clause that tells what a text says: «объявление, где обещали …»,
        «справка, в которой указано …» (conjoined verbs share the clause: «где обещала … и обещала …»)."""
        clause, seen = self.clause_head(trigger), {trigger.index}
        while clause.rel == "conj" and (head := self.head(clause)) is not None and head.index not in seen:
            seen.add(head.index)
            clause = self.clause_head(head)
        antecedent = self.head(clause)
        if clause.rel != "acl:relcl" or antecedent is None or antecedent.lemma not in self.words.text_nouns:
            return False
        children = self.children[clause.index]
        located = any(c.lemma == "где" or (c.lemma == "который" and self.case_of(c) in ("в", "во")) for c in children)
        return located and not any(c.rel in ("nsubj", "nsubj:pass") for c in children)

    def _is_encountered(self, trigger: Token) -> bool:
        """«встречаться» as «to be found»: in the present tense, with no one met («с кем») and no one named:
        «встречаются и такие водители, которые …». A subject «которые» is the noun its clause describes:
        «Миллер и Озерец, которые сегодня встречаются» names them."""
        children = self.children[trigger.index]
        described = self.head(trigger) if trigger.rel.startswith("acl") else None
        subjects = [
            described if c.lemma == "который" and described is not None else c for c in children if c.rel == "nsubj"
        ]
        return (
            (trigger.feats or {}).get("Tense") == "Pres"
            and not any(self.case_of(c) in ("с", "со") for c in children)
            and not any(self._names(subject) for subject in subjects)
        )

    def _names(self, word: Token) -> bool:
        """Whether a word is, or is given by, a name: «Путин», «президент Владимир Путин»."""
        return self.mention_at(word) is not None or bool(self._named_children(word, NAME_RELS))

    def _describes_a_thing(self, trigger: Token) -> bool:
        """A participle that describes a thing: «похищенные письма», «украденный автомобиль»."""
        head = self.head(trigger)
        return (
            (trigger.feats or {}).get("VerbForm") == "Part"
            and trigger.rel in ("acl", "amod")
            and head is not None
            and (head.feats or {}).get("Animacy") == "Inan"
            and self.mention_at(head) is None
        )

    def _subject_is_a_thing(self, trigger: Token) -> bool:
        """Whether a verb's subject is a common noun for a thing (not a person, an institution or a name)."""
        for child in self.children[trigger.index]:
            if child.rel == "nsubj" and child.pos == "NOUN" and not self.mention_at(child):
                if child.lemma in self.trigger_lemmas:
                    return False  # an event noun: the parse took a headline's «Встреча» for the subject
                named = any(self.mention_at(c) for c in self.children[child.index])  # «Профсоюз CGT»
                return (
                    (child.feats or {}).get("Animacy") == "Inan"
                    and child.lemma not in self.words.institutions
                    and not named
                )
        return False

    def _demand_sense(self, trigger: Token) -> bool:
        """«требовать», «требование» as a demand: someone demands; not a requirement («по требованию», «отвечает требованиям»)."""
        if trigger.pos == "VERB":
            return True  # a thing as subject is ruled out by `_subject_is_a_thing`
        head = self.head(trigger)
        if self.case_of(trigger) == "по" or (head is not None and head.lemma in ("отвечать", "соответствовать")):
            return False
        if any(c.lemma == "законный" for c in self.children[trigger.index]):
            return False  # «неповиновение законному требованию сотрудника полиции»: the name of an offence
        return any(
            c.rel == "nmod" and not self.case_of(c) and ((c.feats or {}).get("Animacy") == "Anim" or self.mention_at(c))
            for c in self.children[trigger.index]
        ) or (head is not None and head.lemma in ("выдвинуть", "выдвигать", "предъявить", "выполнить", "удовлетворить"))

    def _speech_sense(self, trigger: Token) -> bool:
        """A statement of someone's: not an outlet's attribution («сообщает ТАСС», «Об этом сообщили "Известия"»),
        not «отметило 70-летие», not words inside a quotation («Я много раз говорил»), not a document
        («в описании сказано»), not a report to the police, not an infinitive: a statement wanted, demanded or
        planned is none made yet («потребовал признаться», «сообщить новость»)."""
        children = self.children[trigger.index]
        words = self.words
        feats = trigger.feats or {}
        if self.article.in_quote(trigger.start) and not ATTRIBUTION_DASH.search(
            self.article.text[max(0, trigger.start - 6) : trigger.start]
        ):
            return False  # words inside a quotation; not «…, – сказал патриарх. – …», the attribution breaking into it
        if feats.get("Voice") == "Pass" and trigger.pos == "VERB" and not self.impersonal_actors(trigger):
            if not any(
                c.rel == "obl" and (c.feats or {}).get("Case") == "Ins" and not self.case_of(c) for c in children
            ):
                return False
        if feats.get("VerbForm") == "Inf":
            return False  # «потребовал признаться», «готовятся отмечать»: a statement wanted or planned, none made
        if any(
            {s.lemma, *(c.lemma for c in self.children[s.index])} & words.poll_subjects
            for s in children
            if s.rel == "nsubj"
        ):
            return False  # «51 % опрошенных считают»: a poll's result
        if any(
            c.rel == "obl"
            and self.case_of(c) in ("в", "во")
            and (c.feats or {}).get("Case") == "Acc"
            and c.lemma in words.institutions
            for c in children
        ):
            return False  # «сообщил в полицию»
        if any(
            {s.lemma, *(c.lemma for c in self.children[s.index] if c.rel == "nmod" and not self.case_of(c))}
            & words.outlets
            for s in children
            if s.rel == "nsubj"
        ):
            return False  # «рассказал портал», «авторы публикации отмечают»: an outlet's attribution
        if trigger.lemma in SPEECH_WITH_OBJECT and any(c.rel == "obj" and c.pos == "NOUN" for c in children):
            if not any(c.rel in ("ccomp", "parataxis") for c in children) and not QUOTE.search(self.text):
                return False
        if trigger.lemma in words.attribution_verbs | words.recall_verbs:
            subjects = [c for c in children if c.rel in ("nsubj", "nsubj:pass")]
            speaker = any(
                s.lemma in words.attribution_speakers
                or any(m["type"] in ("PER", ROLE_TYPE) for m in self.entities_of(s))  # «экономист Иван Петров»
                for s in subjects
            )
            # «рассказывать» attributes only after «ранее», «как»: «жители рассказывают» is their statement
            present = (trigger.feats or {}).get("Tense") == "Pres" and trigger.lemma in words.attribution_verbs
            impersonal = not subjects and (trigger.feats or {}).get("Voice") == "Pass"
            # «Ранее …», «Об этом …», «Как сообщала газета»
            earlier = any(c.lemma in ("ранее", "этот", "это", "как") for c in children) and not speaker
            citing = any(c.lemma == "ссылка" for c in children)
            if ((present or earlier) and not speaker and not self.impersonal_actors(trigger)) or impersonal or citing:
                return False
        return True

    # -- the rules --------------------------------------------------------------

    def arguments(self, trigger: Token) -> tuple[list[Token], list[Token], list[Token]]:
        """(actor, target, other) argument words of the trigger itself."""
        actors, targets, others = [], [], []
        is_noun = trigger.pos != "VERB"
        for child in self.children[trigger.index]:
            case = self.case_of(child)
            if self._addressee(trigger, child):
                # «– прокомментировал «URA.RU» Иван Петров, начальник пресс-службы»: the speaker is beside the outlet
                beside = [c for c in self.children[child.index] if c.rel == "appos" and self._is_person(c)]
                actors.extend([c for c in beside if self.mention_at(c)] or beside[:1])  # the name, not its title too
                if self.mention_at(child):
                    targets.append(child)  # the outlet spoken to, as «заявил РБК»
            elif child.rel == "nsubj" and not is_noun:
                actors.append(child)
            elif child.rel in ("obj", "iobj", "nsubj:pass") and not is_noun:
                targets.append(child)
            elif child.rel in ("obl", "nmod") and case in TARGET_CASES:
                targets.append(child)
            elif is_noun and child.rel == "nmod" and not case and (child.feats or {}).get("Case") == "Gen":
                # «визит Уиткоффа»: the visitor; «убийство журналиста», «арест депутата»: the victim
                (
                    targets if self.trigger_lemmas[trigger.lemma][:ROOT_DIGITS] in PATIENT_GENITIVE_ROOTS else actors
                ).append(child)
            elif is_noun and child.rel == "det" and child.pos in ("PRON", "DET") and child.lemma in PERSON_PRONOUNS:
                actors.append(child)  # «по его словам», «его визит»
            elif is_noun and child.rel in ("nmod", "iobj") and not case and (child.feats or {}).get("Case") == "Dat":
                targets.append(child)  # «помощь Украине»
            elif child.rel == "obl" and not case and (child.feats or {}).get("Case") == "Ins" and is_passive(trigger):
                actors.append(child)  # «обследованы сотрудниками полиции»
            elif child.rel in ("obl", "nmod") and case in PLACE_CASES and child.lemma == "отношение":
                targets.extend(c for c in self.children[child.index] if c.rel == "nmod")  # «в отношении гражданина»
            elif child.rel in ("obl", "nmod") and self._in_respect_of(child):
                targets.append(child)  # the same, parsed as a compound preposition: «в» with «отношении» fixed
            elif child.rel in ("obl", "nmod", "appos") and case not in PLACE_CASES:
                others.append(child)
        return actors, targets, others

    def _addressee(self, trigger: Token, word: Token) -> bool:
        """A quoted name right after a verb of speech that the parser took for its subject but that is the outlet
        spoken to: «сообщили «URA.RU» в пресс-службе МВД» (a dative; a plural verb of a singular name), «– сказал
        «URA.RU» Иван Петров» (the speaker beside it, parsed as its apposition). «Об этом сообщила «Роснефть»» is the company speaking."""
        if word.rel not in ("nsubj", "iobj") or trigger.pos != "VERB" or word.index != trigger.index + 2:
            return False
        if self.trigger_lemmas.get(trigger.lemma, "")[:ROOT_DIGITS] != STATEMENT_ROOT:
            return False
        if not QUOTE.fullmatch(self.tokens[trigger.index + 1].text):
            return False
        feats, verb = word.feats or {}, trigger.feats or {}
        return (
            feats.get("Case") == "Dat"
            or (verb.get("Number") == "Plur" and feats.get("Number") == "Sing")
            or any(c.rel == "appos" and self._is_person(c) for c in self.children[word.index])
        )

    def _is_person(self, word: Token) -> bool:
        return (word.feats or {}).get("Animacy") == "Anim" or (self.mention_at(word) or {}).get("type") == "PER"

    def _passive_agent(self, trigger: Token) -> list[Token]:
        """The agent of a passive verb that the parser hung elsewhere in its clause: a bare instrumental of
        people or an institution («по факту кражи полицейскими возбуждено дело»)."""
        if trigger.pos != "VERB" or not is_passive(trigger):
            return []
        clause = self.clause_head(trigger).index
        return [
            t
            for t in self.tokens
            if t.rel in ("nmod", "obl")
            and (t.feats or {}).get("Case") == "Ins"
            and t.pos == "NOUN"
            and not self.case_of(t)
            and ((t.feats or {}).get("Animacy") == "Anim" or t.lemma in self.words.institutions)
            and self.clause_head(t).index == clause
        ][:1]

    def _in_respect_of(self, word: Token) -> bool:
        """Whether a nominal's preposition is «в отношении» («в отношении директора начата проверка»)."""
        return any(
            c.rel == "case" and any(f.rel == "fixed" and f.lemma == "отношение" for f in self.children[c.index])
            for c in self.children[word.index]
        )

    def impersonal_actors(self, trigger: Token) -> list[dict]:
        """The doer of a subject-less verb given by a «в/у» phrase: «заявили в пресс-службе МВД», «в ведомстве отметили»,
        or by an «из» phrase: «сообщили в редакцию из штаба ВКС» (a «в» phrase of direction, «в редакцию», is no doer).

        Only organisations and institution nouns: «в Москве заявили» stays without a doer.
        """
        if trigger.pos != "VERB" or any(
            c.rel in ("nsubj", "nsubj:pass") and not self._addressee(trigger, c) for c in self.children[trigger.index]
        ):
            return []
        found = []
        obliques = [c for c in self.children[trigger.index] if c.rel == "obl"]
        for child in obliques + [g for c in obliques for g in self.children[c.index] if g.rel == "nmod"]:
            case = self.case_of(child)
            where = case in IMPERSONAL_CASES and (child.feats or {}).get("Case") != "Acc" and child.rel == "obl"
            if where or case == SOURCE_CASE:  # not «в редакцию» (to whom), but «из штаба» (from whom)
                doers = [p for p in self.entities_of(child) if p["type"] in ("ORG", ROLE_TYPE)]
                if not doers and child.lemma in self.words.institutions:  # «в администрации района отметили»
                    doers = [role_participant(child.lemma, child.start, child.stop)]
                found.extend(doers)
        return found

    def inherited_actors(self, trigger: Token) -> list[Token]:
        """The subject of the verb a subject-less trigger depends on (through xcomp, conj, obj, obl).

        A trigger that is the object of another trigger is that event's content,
        not its own («ООН осудила нападение»: the UN did not attack), so it does
        not inherit from it; a conjunct, an infinitive or a prepositional phrase
        does («посещали Москву и встречались», «пообещал встретиться»,
        «посетить Москву для встречи»).
        """
        current, seen = trigger, {trigger.index}
        while current.rel in INHERIT_RELS:
            head = self.head(current)
            if head is None or head.index in seen:  # slovnet's heads may form a cycle: it picks each head alone
                break
            seen.add(head.index)
            is_content = current.rel == "obj" or (current.rel == "obl" and not self.case_of(current))
            if head.lemma in self.trigger_lemmas and is_content:
                return []
            subjects = [c for c in self.children[head.index] if c.rel == "nsubj"]
            if subjects:
                return subjects
            current = head
        return []

    def place(self, trigger: Token) -> dict | None:
        """A LOC mention in a «в/во/на» phrase of the trigger or of its chain; for a visit also its object."""
        chain = self.chain(trigger)
        in_chain = {t.index for t in chain}
        for owner in chain:
            for child in self.children[owner.index]:
                if child.index in in_chain:
                    continue
                located = child.rel in ("obl", "nmod") and self.case_of(child) in PLACE_CASES
                visited = child.rel == "obj" and owner.lemma in self.visit_lemmas
                if located or visited:
                    for mention in self.entities_of(child):
                        if mention["type"] == "LOC":
                            return mention
        return None

    def date(self, trigger: Token, dates: list[dict]) -> dict | None:
        """The nearest date mention that belongs to the trigger.

        A date belongs to the first trigger on its way up to its clause head
        («пообещал встретиться в понедельник»: the meeting's date, not the
        promise's), and no higher than the first finite verb or participle on that
        way, which heads the date's own clause («обвиняют в том, что в 2009 году он
        ликвидировал» does not date the accusation; «посетил завод в рамках
        конференции, проходившей 5 октября» does not date the visit). Conjoined verbs share it
        both ways («посещали Москву и встречались в декабре»; «в августе
        потребовал … и угрожал»). A date with no trigger on that way belongs to
        the triggers of its clause («встреча может состояться в этом месяце»),
        to the noun its relative clause or participle describes («проведенная в
        августе проверка»), or to a verb conjoined to
        its clause head («22 мая поссорились и избили»). A converb and a noun its verb went to or took
        part in happened on the verb's day («6 ноября напал, обвинив его», «в пятницу прибыл на
        переговоры»); a noun «после», «до» or «перед» (itself or through nouns between) did not. Word
        order beats a parse that hangs a date across a clause boundary (`_verb_of_stretch`); a noun
        trigger's own date (`_noun_owns`: in its phrase, in a participle phrase before it, or a day to
        come on the past verb it is the object of) beats the verb's; a date that reaches a trigger
        through an infinitive or two nouns that are no triggers is theirs. A date of the trigger's own
        beats one it shares with a conjunct; then the nearest wins.
        """
        clause = self._date_clause(trigger).index
        best, best_key = None, None
        end = self.offset + len(self.text)
        in_sentence = [m for m in dates if m["start"] < end and self.offset < m["stop"]]
        apposing = self._apposition_commas(in_sentence)
        for mention in in_sentence:
            if mention["value"] is None:
                continue  # a duration («три года») dates nothing
            head = self._date_head(mention)
            if head is None:
                continue
            if "\n" in self.article.text[min(trigger.start, mention["start"]) : max(trigger.stop, mention["stop"])]:
                continue  # another line: a headline without its full stop runs into the dateline «Москва, 18 ноября»
            if CLAUSE_COLON.search(
                self.article.text, min(trigger.stop, mention["stop"]), max(trigger.start, mention["start"])
            ):
                continue  # a colon opens a clause of its own: «это не первый его визит: в 2016 году начался переход»
            if mention["precision"] == "year" and self._dates_a_thing(head):
                continue  # «выборы 2016 года», «форум "Инфотех 2019"»: the year of that thing, not of the event
            if self._prenominal(trigger, mention) or self._object_date_to_come(trigger, mention):
                # the noun's own date beats one of the verb's clause («вчера подтвердил встречу 9 декабря»)
                key = (False, 0)
                if best_key is None or key < best_key:
                    best, best_key = mention, key
                continue
            way_up = self.chain(head)[1:]
            finite = next(
                (n for n, t in enumerate(way_up) if (t.feats or {}).get("VerbForm") == "Fin" or self._participle(t)),
                None,
            )
            if finite is not None:
                way_up = way_up[: finite + 1]  # the date's own clause ends at its finite verb or participle
            stretch = self._stretch(mention, apposing)
            stretch_verb = self._verb_of_stretch(stretch, way_up)
            if stretch_verb is not None:  # the parser hung it across a clause boundary on another clause's verb
                first, last = stretch
                kept = next((n for n, t in enumerate(way_up) if not first <= t.index <= last), len(way_up))
                way_up = way_up[:kept] + [stretch_verb]  # its nouns up to the boundary, then that verb
            owner = next((t for t in way_up if t.lemma in self.trigger_lemmas and t.pos in TRIGGER_POS), None)
            if owner is not None and self._infinitive_below(way_up, owner):
                continue  # «обещают справиться с выплатами до конца года»: the deadline of what is promised
            if owner is not None and self._deep_below(way_up, owner):
                continue  # «расследование влияния на проведение конкурса в марте»: the contest's date
            conjoined = trigger.rel == "conj"
            if owner is not None:
                shared = (owner.rel == "conj" and owner.head == trigger.index) or (
                    trigger.head == owner.index and (conjoined or self._converb(trigger) or self._went_to(trigger))
                )  # «посещали Москву и встречались в декабре», «в августе потребовал … и угрожал»
                if owner.index != trigger.index and not shared:
                    continue
                own = owner.index == trigger.index
            else:
                head_clause = way_up[-1] if way_up else head
                describes = head_clause.rel in ("acl:relcl", "acl") and head_clause.head == trigger.index
                shared = trigger.head == head_clause.index and (
                    conjoined or self._converb(trigger)
                )  # «22 мая поссорились и избили», «6 ноября напал, обвинив его»
                if self._at_another_time(trigger, head_clause):
                    continue  # «после переговоров 5 мая заявил»: the talks came before that day
                if head_clause.index != clause and not describes and not shared:
                    continue
                if stretch_verb is not None and not shared and trigger.index != stretch_verb.index:
                    continue  # moved by word order, a date is its verb's and not its object's: «а затем в 1994 году планировал теракт»
                if self._deep_in_nouns(trigger) and not describes:
                    continue  # «выросли цены на билеты для участников переговоров»: the prices' date
                if self._inside_a_noun(trigger) and not describes:
                    continue  # «в пятницу историк воспроизвел сцену убийства»: the date of the verb, not of the murder
                own = not shared
            key = (not own, abs(head.index - trigger.index))
            if best_key is None or key < best_key:
                best, best_key = mention, key
        return best

    def _infinitive_below(self, way_up: list[Token], owner: Token) -> bool:
        """Whether a date reaches its trigger through an infinitive that is no trigger, the act the trigger
        asks, promises or plans, still to come when it is done: «обещают справиться с выплатами до конца года»
        dates the payments, not the promise."""
        below = way_up[: way_up.index(owner)]
        return any(t.rel == "xcomp" and (t.feats or {}).get("VerbForm") == "Inf" for t in below)

    def _deep_below(self, way_up: list[Token], owner: Token) -> bool:
        """Whether a date reaches a noun trigger through two nouns or more, none of them a trigger: it is the
        date of the nearest of them («расследование влияния на проведение конкурса в марте»), as a trigger two
        nouns below its verb takes none of the verb's (`_deep_in_nouns`)."""
        below = way_up[: way_up.index(owner)]
        return owner.pos == "NOUN" and len(below) >= 2 and all(t.pos in ("NOUN", "PROPN") for t in below)

    def _verb_of_stretch(self, stretch: tuple[int, int] | None, way_up: list[Token]) -> Token | None:
        """The verb of the stretch between clause boundaries that a date is written in (`_stretch`), when the
        parser hung the date on a verb outside that stretch: «требует выборов, однако уже в понедельник генсек
        заявил» (the parser takes the Monday for the demand's), «прибыл в Россию в 1919 году и видел восстание,
        поднятое…». The stretch must hold one finite verb (or a predicate participle «были задержаны»), or the
        word order says nothing. None when the parse keeps the date in its stretch.
        """
        if not way_up or stretch is None:
            return None
        first, last = stretch
        if first <= way_up[-1].index <= last:
            return None
        verbs = [t for t in self.tokens[first : last + 1] if t.pos == "VERB" and self._predicate(t)]
        return verbs[0] if len(verbs) == 1 else None

    def _apposition_commas(self, dates: list[dict]) -> set[int]:
        """The token indexes of the commas that set one date beside another: «в воскресенье, 15 ноября,» (a
        comma before a lone date still ends a clause: «как сообщала газета, 6 января они встретились»)."""
        text = self.article.text
        appositions = [
            (first, second)
            for first in dates
            for second in dates
            if first["stop"] < second["start"] and APPOSITION.fullmatch(text, first["stop"], second["start"])
        ]
        return {
            t.index
            for t in self.tokens
            for first, second in appositions
            if t.text == ","
            and (first["stop"] <= t.start < second["start"] or second["stop"] <= t.start <= second["stop"] + 1)
        }

    def _stretch(self, mention: dict, apposing: set[int]) -> tuple[int, int] | None:
        """The first and last token index of the stretch between clause boundaries a date is written in: a
        comma (not one of a date apposition, `apposing`), a conjunction, a relative word."""
        inside = [t for t in self.tokens if t.start < mention["stop"] and mention["start"] < t.stop]
        if not inside:
            return None

        def boundary(token: Token) -> bool:
            if token.text == ",":
                return token.index not in apposing
            return token.pos in ("CCONJ", "SCONJ") or token.lemma in CLAUSE_OPENERS

        first, last = inside[0].index, inside[-1].index
        while first > 0 and not boundary(self.tokens[first - 1]):
            first -= 1
        while last + 1 < len(self.tokens) and not boundary(self.tokens[last + 1]):
            last += 1
        return first, last

    def _predicate(self, verb: Token) -> bool:
        """A finite verb, or a short participle with its auxiliary («были задержаны»)."""
        form = (verb.feats or {}).get("VerbForm")
        return form == "Fin" or (
            form == "Part" and any(c.rel in ("aux", "aux:pass") for c in self.children[verb.index])
        )

    def _date_head(self, mention: dict) -> Token | None:
        """The head word of a date mention's tokens; None when it covers no token of this sentence."""
        inside = [t for t in self.tokens if t.start < mention["stop"] and mention["start"] < t.stop]
        indexes = {t.index for t in inside}
        return next((t for t in inside if t.head not in indexes), inside[0] if inside else None)

    def _in_noun_phrase(self, trigger: Token, mention: dict) -> bool:
        """Whether a date is an attribute of a noun trigger («саммит 9 декабря», «поездку на переговоры 9 декабря»)."""
        head = self._date_head(mention)
        if trigger.pos != "NOUN" or head is None:
            return False
        return trigger.index in {t.index for t in self.chain(head)[1:]}

    def _noun_owns(self, trigger: Token, mention: dict) -> bool:
        """Whether a date is a noun trigger's own, whatever the verb above it tells."""
        return (
            self._in_noun_phrase(trigger, mention)
            or self._prenominal(trigger, mention)
            or self._object_date_to_come(trigger, mention)
        )

    def _prenominal(self, trigger: Token, mention: dict) -> bool:
        """Whether a date is in a participle phrase written before the noun trigger it describes, the participle
        in the noun's case: «до запланированного на 9 декабря саммита» (the parser may hang the participle on
        a later noun, «саммита в нормандском формате»: word order and case say whose it is)."""
        head = self._date_head(mention)
        if trigger.pos != "NOUN" or head is None or trigger.start < mention["stop"]:
            return False
        between = [t for t in self.tokens if mention["stop"] <= t.start and t.stop <= trigger.start]
        if any(t.pos not in ("ADJ", "DET", "PUNCT") for t in between):
            return False  # the noun right after the date, its adjectives aside
        case = (trigger.feats or {}).get("Case")
        return any(
            (t.feats or {}).get("VerbForm") == "Part"
            and (t.feats or {}).get("Case") == case
            and t.stop <= mention["start"]
            for t in self.chain(head)[1:2]
        )

    def _object_date_to_come(self, trigger: Token, mention: dict) -> bool:
        """Whether a date to come that the parser hung on a past-tense verb belongs to that verb's object, a noun
        trigger written before it: «в пятницу подтвердил проведение саммита 9 декабря» (a past verb cannot have
        happened on a day to come, see `dated_forward`; the summit can)."""
        head = self._date_head(mention)
        published = self.article.published
        if trigger.pos != "NOUN" or head is None or published is None or mention["value"] <= published:
            return False
        verb = self.head(head)
        if verb is None or (verb.feats or {}).get("Tense") != "Past" or trigger.stop > mention["start"]:
            return False
        chain = self.chain(trigger)
        if verb not in chain:
            return False
        below = chain[: chain.index(verb)]  # the trigger and the nouns between it and the verb
        return below[-1].rel in ("obj", "nsubj:pass") and all(t.pos == "NOUN" for t in below)

    def _at_another_time(self, trigger: Token, verb: Token) -> bool:
        """A noun trigger under «после», «до» or «перед», itself or through the nouns between it and the verb
        («после переговоров 5 мая заявил», «в 1994 году и до момента теракта участвовал»): it happened at
        another time than the verb's date."""
        for word in self.chain(trigger):
            if word.index == verb.index or word.pos not in ("NOUN", "PROPN"):
                return False
            if self.case_of(word) in OTHER_TIME_CASES:
                return True
        return False

    def _went_to(self, trigger: Token) -> bool:
        """A noun trigger its verb went to or took part in, which happened when the verb did: «5 мая прибыл
        на переговоры», «в пятницу выступил на саммите»."""
        return trigger.pos == "NOUN" and self.case_of(trigger) in PLACE_CASES

    def _converb(self, token: Token) -> bool:
        """A converb of its verb, which tells what the doer did as the verb's act happened: «6 ноября напал,
        обвинив его». (The gold's annotators differ here: a tune event leaves the converb undated.)"""
        return token.rel == "advcl" and (token.feats or {}).get("VerbForm") == "Conv"

    def _participle(self, token: Token) -> bool:
        """A participle describing a noun («конференции, проходившей с 1 по 5 октября»)."""
        return token.rel == "acl" and (token.feats or {}).get("VerbForm") == "Part"

    def _date_clause(self, trigger: Token) -> Token:
        """The clause whose dates a trigger takes: a participle phrase is one of its own, so «совещание, посвященное
        подготовке к переговорам» gives the talks none of the meeting's date, and a participle's date none of the verb above."""
        return next((t for t in self.chain(trigger) if self._participle(t)), self.clause_head(trigger))

    def _deep_in_nouns(self, trigger: Token) -> bool:
        """A noun trigger two nouns or more below its clause's verb, none of them a trigger: «цены на билеты для
        участников переговоров»."""
        nouns = 0
        for word in self.chain(trigger)[1:]:
            if word.pos not in ("NOUN", "PROPN") or word.lemma in self.trigger_lemmas:
                break
            nouns += 1
        return trigger.pos == "NOUN" and nouns >= 2

    def _inside_a_noun(self, trigger: Token) -> bool:
        """A noun trigger that is the genitive of a verb's object that is no trigger: «воспроизвел сцену убийства»."""
        owner = self.head(trigger)
        return (
            trigger.pos == "NOUN"
            and trigger.rel == "nmod"
            and not self.case_of(trigger)
            and owner is not None
            and owner.pos in ("NOUN", "PROPN")
            and owner.rel == "obj"
            and owner.lemma not in self.trigger_lemmas
        )

    def _dates_a_thing(self, head: Token) -> bool:
        """Whether a date (its head word) is the attribute of a noun that is no trigger: «выборы 2016 года»."""
        owner = self.head(head)
        return (
            head.rel in ("nmod", "appos", "flat", "nummod", "amod")
            and not self.case_of(head)
            and owner is not None
            and owner.pos in ("NOUN", "PROPN")
            and owner.lemma not in self.trigger_lemmas
        )

    def modality(self, trigger: Token) -> str:
        chain = self.chain(trigger)
        # Negation stops at the next trigger up («не встречался … после начала протестов» negates the meeting
        # only), and passes up only from a verb's complement or subject: «не планирует посетить», «встреча не
        # состоялась»; not from its other arguments: «не реагирует на заявления» does not negate the statements.
        own = [trigger]
        for word in chain[1:]:
            if word.lemma in self.trigger_lemmas or own[-1].rel not in NEGATION_PASSES:
                break
            own.append(word)
        if any(c.lemma in NEGATIONS for t in own for c in self.children[t.index]) or any(
            t.lemma == "нет" for t in own[1:]
        ):
            return "negated"
        if any(t.lemma in DENIAL_LEMMAS for t in chain[1:]):
            return "negated"  # «опроверг информацию о встрече»
        modifiers = [c for t in chain for c in self.children[t.index] if c.rel in ("aux", "advmod", "amod", "det")]
        lemmas = {t.lemma for t in chain[1:] + modifiers}
        trigger_mods = {c.lemma for c in self.children[trigger.index] if c.rel in ("amod", "det")}
        sentence = self.text.lower().replace("ё", "е")
        if "бы" in lemmas or sentence.rstrip().endswith("?") or trigger_mods & HEDGE_MODIFIERS:
            return "uncertain"
        if HEDGE_PATTERN.search(sentence) and self.trigger_lemmas[trigger.lemma][:ROOT_DIGITS] != STATEMENT_ROOT:
            # «по словам источников» hedges what the source says, not that it said it
            return "uncertain"
        if lemmas & PLAN_LEMMAS or trigger_mods & PLAN_MODIFIERS:
            return "planned"
        if self._is_purpose(trigger):
            return "planned"  # «приехал, чтобы обсудить», «для встречи»
        if trigger.pos == "NOUN" and any(
            c.rel == "acl:relcl" and self._future(c) for c in self.children[trigger.index]
        ):
            return "planned"  # «анонсировал встречу, которая пройдет в декабре»: the meeting is still to come
        for token in chain:
            feats = token.feats or {}
            if self._future(token):
                return "planned"
            if (
                any(c.rel == "aux" and c.lemma == "быть" for c in self.children[token.index])
                and feats.get("VerbForm") == "Inf"
            ):
                return "planned"
        return "occurred"

    def _future(self, verb: Token) -> bool:
        """A verb in the future tense, or with the future «будет» («пройдет», «будет проходить», «будет задержан»:
        the tagger gives «будет» the present tense at times, so its forms are read as written)."""
        return (verb.feats or {}).get("Tense") == "Fut" or any(
            c.rel in ("aux", "aux:pass")
            and ((c.feats or {}).get("Tense") == "Fut" or c.text.lower() in FUTURE_AUXILIARIES)
            for c in self.children[verb.index]
        )

    def _purpose_of_past(self, trigger: Token, date_mention: dict) -> bool:
        """Whether a trigger is the aim of a past act that a date hangs on: «15 ноября остановил автомобиль для
        проверки документов» (the check was made then, not planned for next November)."""
        head = self._date_head(date_mention)
        verb = self.head(head) if head is not None else None
        return (
            verb is not None
            and verb.index != trigger.index
            and verb in self.chain(trigger)
            and (verb.feats or {}).get("Tense") == "Past"
            and self._is_purpose(trigger)
        )

    def _is_purpose(self, trigger: Token) -> bool:
        """Whether the trigger is the aim of another action: «чтобы обсудить», «для обмена опытом»."""
        for word in self.chain(trigger)[:2]:
            marks = {c.lemma for c in self.children[word.index] if c.rel in ("mark", "case")}
            head = self.head(word)
            if marks & PURPOSE_WORDS and not (head is not None and head.lemma in CAUSE_NOUNS):
                return True
        return False

    def event(self, trigger: Token, dates: list[dict]) -> dict:
        actors, targets, others = self.arguments(trigger)
        if not any(self.entities_of(word) for word in actors):
            # an own actor word that names no one («расследование дела»: what is investigated) leaves the doer
            # to the verb the trigger depends on («следователи ФСБ закончили расследование дела»)
            actors = self.inherited_actors(trigger) or self._passive_agent(trigger)
        place = self.place(trigger)
        participants: dict[str, str] = {}
        roles: dict[str, str] = {}  # entity_id → name of the ROLE participants
        found = [
            (role, p)
            for role, words in (("actor", actors), ("target", targets), ("participant", others))
            for word in words
            for p in self.entities_of(word)
        ]
        if not any(role == "actor" for role, _ in found):
            found = [("actor", p) for p in self.impersonal_actors(trigger)] + found
        for role, mention in found:
            if place is not None and mention["entity_id"] == place["entity_id"]:
                continue
            participants.setdefault(mention["entity_id"], role)
            if mention["type"] == ROLE_TYPE:
                roles[mention["entity_id"]] = mention["name"]
        modality = self.modality(trigger)
        date = self.date(trigger, dates)
        value, precision = self.dated_forward(date, trigger, modality) if date else (None, None)
        if value is not None and modality != "planned":
            value = self.in_story_year(date, value, dates)
        kinds = {role: {p["type"] for r, p in found if r == role} for role in ("actor", "target")}
        features = self.features(trigger, modality, kinds, place is not None, date is not None)
        return {
            "trigger": trigger.text,
            "start": trigger.start,
            "stop": trigger.stop,
            "modality": modality,
            "event_date": value,
            "date_precision": precision,
            "place_entity_id": place["entity_id"] if place else None,
            "participants": participants,
            "role_entities": roles,
            "features": features,
        }

    def features(self, trigger: Token, modality: str, kinds: dict[str, set], placed: bool, dated: bool) -> dict:
        """What the confidence model (`ConfidenceModel`) knows of an event: binary features, by name."""
        feats = trigger.feats or {}
        chain = self.chain(trigger)
        tense = next((t.feats.get("Tense") for t in chain if t.feats and t.feats.get("Tense")), "none")
        actor = kinds["actor"]
        return {
            f"root={self.trigger_lemmas[trigger.lemma][:ROOT_DIGITS]}": 1.0,
            f"lemma={trigger.lemma}": 1.0,  # how often this very word is a real event of its root
            f"pos={trigger.pos}": 1.0,
            f"modality={modality}": 1.0,
            f"tense={tense}": 1.0,
            "actor=named": float(bool(actor - {ROLE_TYPE})),
            "actor=role": float(actor == {ROLE_TYPE}),
            "actor=none": float(not actor),
            "target": float(bool(kinds["target"])),
            "place": float(placed),
            "date": float(dated),
            "plural": float(feats.get("Number") == "Plur" and trigger.pos == "NOUN"),
            "first_person": float(any((t.feats or {}).get("Person") == "1" for t in chain)),
            "infinitive": float(feats.get("VerbForm") == "Inf"),
            "question": float(self.text.rstrip().endswith("?")),
            "quoted": float(self.article.in_quote(trigger.start)),
            "lead": float(self.offset == 0),
            "short_sentence": float(len(self.tokens) < 8),
        }

    def in_story_year(self, date_mention: dict, value: date, dates: list[dict]) -> date:
        """A month or day with no year of its own («в конце ноября» after «В октябре 2015 года …») in the year
        of the last date written with a year before it, when that year is earlier than the one tag-dates gave
        it from the publication: news tells a past story in order, and its months stay in the story's year."""
        text = self.article.text
        written = text[date_mention["start"] : date_mention["stop"]].lower()
        if date_mention["precision"] not in ("day", "month") or NOW_WORD.search(written):
            return value
        if not MONTH_WORD.search(written):
            return value
        anchor = next(
            (
                m
                for m in reversed(dates)
                if m["stop"] <= date_mention["start"]
                and m["value"] is not None
                and WRITTEN_YEAR.search(text[m["start"] : m["stop"]])
            ),
            None,
        )
        if anchor is None or date_mention["start"] - anchor["start"] > ANAPHORA_REACH:
            return value
        published = self.article.published
        if date_mention["precision"] == "day" and published is not None and published - value <= NEWS_WEEK:
            return value  # a day of the week before the publication is the news' own: «17 ноября заявил» on the 18th
        if not self._in_story_order(anchor, date_mention, dates):
            return value
        year = anchor["value"].year
        if year >= value.year:
            return value
        try:
            return value.replace(year=year)
        except ValueError:  # 29 February
            return value.replace(year=year, day=28)

    def _in_story_order(self, anchor: dict, date_mention: dict, dates: list[dict]) -> bool:
        """Whether the months with no year of their own from a story's dated start up to a date mention go
        forward, as a story told in order does: «в ноябре 2018 года задержали …, в сентябре передали …, в начале
        ноября потребовал» goes back from November to September, so a new story (of the publication's year)
        began there and its November is not 2018's."""
        text = self.article.text
        month = anchor["value"].month if anchor["precision"] in ("day", "month") else None
        for m in dates:
            if m["start"] < anchor["stop"] or m["start"] > date_mention["start"] or m["value"] is None:
                continue
            written = text[m["start"] : m["stop"]].lower()
            if m["precision"] not in ("day", "month") or NOW_WORD.search(written) or not MONTH_WORD.search(written):
                continue
            if month is not None and m["value"].month < month:
                return False
            month = m["value"].month
        return True

    def dated_forward(self, date_mention: dict, trigger: Token, modality: str) -> tuple[date | None, str | None]:
        """The value and precision of a date mention as the trigger's tense reads it.

        tag-dates resolves «в среду» (and «в выходные») to the last Wednesday (Saturday) and «в феврале»
        («в начале весны», no year) to the last February (spring); for an event still to come (planned, or a
        future verb in its chain) such a date is the next one: a week or a year
        later. A date with a year, or a word of the past («прошлый», «вчера»), stays.
        A date after the publication does not date an event told in the past tense as having happened
        (None, None): it is another clause's (a forecast's day: «в среду ожидается снег, – рассказали
        синоптики»), or counted from another time than the publication («через двадцать лет вспомнил»); but a
        noun trigger's own date keeps it («отменил поездку на переговоры 9 декабря»: talks to come).
        """
        value, precision = date_mention["value"], date_mention["precision"]
        published = self.article.published
        if (
            published is not None
            and value > published
            and modality == "occurred"
            and any((t.feats or {}).get("Tense") == "Past" for t in self.chain(trigger))
            # a noun's own date is not the verb's: «отменил поездку на переговоры 9 декабря» (talks to come)
            and not self._noun_owns(trigger, date_mention)
        ):
            return None, None
        if published is None or precision not in ("day", "weekend", "month", "season") or value >= published:
            return value, precision
        if precision in PERIOD_MONTHS and published < shift_months(value, PERIOD_MONTHS[precision]):
            return value, precision  # «в этом месяце», «в конце осени» in October: that period is not past
        if modality != "planned" and not any((t.feats or {}).get("Tense") == "Fut" for t in self.chain(trigger)):
            return value, precision
        if self._purpose_of_past(trigger, date_mention):
            return value, precision
        written = self.article.text[date_mention["start"] : date_mention["stop"]].lower()
        if YEAR_OR_PAST.search(written):
            return value, precision
        if WEEKDAY_WORD.search(written) or precision == "weekend":
            return value + timedelta(days=7), precision
        try:
            return value.replace(year=value.year + 1), precision
        except ValueError:  # 29 February
            return value + timedelta(days=365), precision


def _group(table: pa.Table, columns: list[str]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in table.select(columns).to_pylist():
        grouped.setdefault(row["article_id"], []).append(row)
    for rows in grouped.values():
        rows.sort(key=lambda r: (r["start"], r["stop"]))
    return grouped


def tag_events(
    articles: pa.Table,
    mentions: pa.Table,
    date_mentions: pa.Table,
    tagger: EventTagger,
    docs: dict[str, Doc | Exception] | None = None,
    with_features: bool = False,
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table, pa.Table]:
    """Tag a batch. Returns (events, event_participants, role_entities, quarantine, tagged_articles).

    `role_entities` (ENTITIES_SCHEMA) are the participants named by a common
    noun («полиция», «жители»), of type ROLE, that participant rows point to;
    `published_date`, when the articles have it, dates future events forward.
    Each event's `confidence` comes from the tagger's ConfidenceModel; with
    `with_features` the events also carry `features` (JSON: what the model
    saw), for training it (bench/train_event_confidence.py).

    `docs` is the batch's analysis (`transforms.analysis.analyze_articles`, as
    entity tagging used it); without it the articles are segmented here. The
    candidate sentences of the whole batch are tagged for morphology and parsed
    together (`transforms.analysis`); if that fails, article by article, and an
    article whose analysis fails goes to quarantine.
    """
    if docs is None:
        docs = analyze_articles(articles, tagger.models, ner=False)
    mentions_by_article = _group(mentions, ["article_id", "start", "stop", "type", "entity_id"])
    dates_by_article = _group(date_mentions, ["article_id", "start", "stop", "value", "precision"])
    candidates: dict[str, list] = {}
    failures: dict[str, Exception] = {}
    for article in articles.select(["article_id", "language"]).to_pylist():
        if article["language"] in TAGGED_LANGUAGES:
            doc = docs[article["article_id"]]
            if isinstance(doc, Exception):
                failures[article["article_id"]] = doc
            else:
                candidates[article["article_id"]] = tagger.candidates(doc)
    failures.update(
        tag_morph({article_id: [sent for _, sent in found] for article_id, found in candidates.items()}, tagger.models)
    )
    candidates = {article_id: found for article_id, found in candidates.items() if article_id not in failures}
    failures.update(parse_syntax(candidates, tagger.models.syntax_parser))

    published = (
        dict(zip(articles.column("article_id").to_pylist(), articles.column("published_date").to_pylist(), strict=True))
        if "published_date" in articles.column_names
        else {}
    )

    def article_events(article: dict) -> list[dict]:
        article_id = article["article_id"]
        sentences = [(n, sent, tagger.sentence_tokens(sent)) for n, sent in candidates.get(article_id, [])]
        return tagger.article_events(
            article["text"],
            mentions_by_article.get(article_id, []),
            dates_by_article.get(article_id, []),
            sentences,
            published.get(article_id),
        )

    events_by_article, rejected, tagged = tag_each_article(
        articles,
        article_events,
        stage=Stage.TAG_EVENTS,
        tagger_name="event tagger",
        languages=TAGGED_LANGUAGES,
        failures=failures,
    )
    event_rows, participant_rows = [], []
    role_entities: dict[str, str] = {}
    features = []
    for article_id, events in events_by_article.items():
        for event in events:
            participants = event.pop("participants")
            role_entities.update(event.pop("role_entities"))
            features.append(event.pop("features"))
            event["confidence"] = tagger.confidence(features[-1])
            event_id = stable_id("event", article_id, str(event["start"]), str(event["stop"]), event["cameo_code"])
            event_rows.append({**event, "event_id": event_id, "article_id": article_id, "run_id": None})
            for entity_id, role in participants.items():
                participant_rows.append(
                    {
                        "event_id": event_id,
                        "article_id": article_id,
                        "entity_id": entity_id,
                        "role": role,
                        "run_id": None,
                    }
                )
    events = pa.Table.from_pylist(event_rows, schema=EVENTS_SCHEMA)
    if with_features:
        events = events.append_column(
            "features", pa.array([json.dumps(f, sort_keys=True) for f in features], pa.string())
        )
    return (
        events,
        pa.Table.from_pylist(participant_rows, schema=EVENT_PARTICIPANTS_SCHEMA),
        pa.Table.from_pylist(
            [{"entity_id": i, "type": ROLE_TYPE, "name": name, "run_id": None} for i, name in role_entities.items()],
            schema=ENTITIES_SCHEMA,
        ),
        rejected,
        tagged,
    )


def events_of(
    events: pa.Table, participants: pa.Table, articles: pa.Table, mentions: pa.Table, entities: pa.Table
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The events of the given (loaded) articles, their participants whose entity is loaded too, and the
    ROLE entities (of `entities`) those participants point to, which no mention does."""
    events = events.filter(pc.is_in(events.column("article_id"), value_set=articles.column("article_id")))
    roles = entities.filter(pc.equal(entities.column("type"), ROLE_TYPE))
    known = pa.concat_arrays(
        [mentions.column("entity_id").combine_chunks(), roles.column("entity_id").combine_chunks()]
    )
    participants = participants.filter(
        pc.and_(
            pc.is_in(participants.column("event_id"), value_set=events.column("event_id")),
            pc.is_in(participants.column("entity_id"), value_set=known),
        )
    )
    roles = roles.filter(pc.is_in(roles.column("entity_id"), value_set=participants.column("entity_id")))
    return events, participants, roles


@dataclass(frozen=True)
class ConfidenceModel:
    """A logistic regression over an event's features (`Sentence.features`): P(a real event of its type).

    Trained on the tune part of the real-news gold by bench/train_event_confidence.py (`make event-model`),
    shipped as event_confidence.json: {"bias": b, "weights": {feature: w}}. An empty model gives 1.0.
    """

    bias: float = 0.0
    weights: dict[str, float] = field(default_factory=dict)

    def __call__(self, features: dict[str, float]) -> float:
        if not self.weights:
            return 1.0
        score = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return round(1.0 / (1.0 + math.exp(-score)), CONFIDENCE_DIGITS)


CONFIDENCE_DIGITS = 4
CONFIDENCE_MODEL = "event_confidence.json"
# Events of at least this confidence are confident: the views count them (`is_confident`, declared last in
# warehouse/migrations/020_confident_threshold.sql; a test keeps the two equal). bench/train_event_confidence.py
# chooses it with the model, on the tune part.
CONFIDENT = 0.8


@functools.cache
def load_confidence_model() -> ConfidenceModel:
    data = json.loads(resources.files("transforms").joinpath(CONFIDENCE_MODEL).read_text(encoding="utf-8"))
    return ConfidenceModel(bias=data["bias"], weights=data["weights"])


@functools.cache
def load_event_tagger() -> EventTagger:
    """The event tagger with natasha's models, the parser, the bundled lexicon and confidence model, once per process."""
    return EventTagger(load_models(), load_lexicon(), load_confidence_model())
