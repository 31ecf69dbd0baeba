"""Entities: named-entity mentions (PER, LOC, ORG) with natasha, repaired and resolved within the article.

`tag_entities(articles, models)` reads `article_id`, `text` and `language` and
returns:
- mentions (MENTIONS_SCHEMA): article_id, start, stop (offsets into `text`),
  sentence (index of the sentence in the article), type, text (surface form),
  normal (lemma form from natasha's span normalization, syntax-aware for ORG),
  entity_id (the entity the mention resolves to within its article);
- entities (ENTITIES_SCHEMA): entity_id, type, name, one row per entity seen;
- quarantine rows (stage `tag`) for articles on which the tagger failed;
- the articles that were tagged (failed ones removed).

Only Russian articles are tagged; others pass through with no mentions.

natasha segments and tags NER over the whole batch at once
(`transforms.analysis`); then, per article, `repair_spans` fixes
span boundaries natasha gets wrong (brackets, quotes, legal forms, split names);
the sentences holding a span get morphology, and those holding a multi-word
organisation in an oblique case are parsed for syntax, so that
«Организации украинских националистов» normalizes to «Организация украинских
националистов» (each is as costly as NER, so only those sentences, the batch's
together: `prepare_docs`); span normalization is remembered per process
(`_normal_form`), as names recur across articles;
then `resolve_article` maps each mention to the fullest name of its entity in
the article. Linking across articles (a bare surname to the corpus's dominant
full name) happens in the warehouse, see `warehouse/sql/link_entities_find.sql`.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from natasha import (
    Doc,
    MorphVocab,
    NamesExtractor,
    NewsEmbedding,
    NewsMorphTagger,
    NewsNERTagger,
    NewsSyntaxParser,
    Segmenter,
)
from natasha.doc import DocSent, DocSpan

from transforms.analysis import TAGGED_LANGUAGES, analyze, analyze_articles, parse_syntax, tag_morph
from transforms.ids import stable_id
from transforms.quarantine import quarantine_row, quarantine_table
from transforms.schemas import ENTITIES_SCHEMA, MENTIONS_SCHEMA
from transforms.stages import Stage

ENTITY_TYPES = ("PER", "LOC", "ORG")

OPENING_QUOTES = "«„“\""
CLOSING_QUOTES = "»“”\""
# Words that say what kind of organisation the quoted name that follows is («ООО «Ромашка»»):
# the name is the organisation; the form word is not part of it.
LEGAL_FORM_WORDS = {
    "агентство",
    "газета",
    "журнал",
    "издательство",
    "компания",
    "концерн",
    "корпорация",
    "радиостанция",
    "телеканал",
    "фирма",
    "холдинг",
}
# Case endings a Russian surname takes after its nominative form (Макрон → Макрона, Макроном, ...).
SURNAME_CASE_ENDINGS = ("а", "у", "ом", "е", "ым", "ой", "ою", "ы", "и", "ю", "я", "ем", "ей", "ого", "ому")
ABBREVIATION = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&-]{1,9}$")
# Characters natasha sometimes leaves at the edges of a span («• Коста Рика»).
EDGE_JUNK = " \t\n•·*—–-,;:"


@dataclass(frozen=True)
class NatashaModels:
    segmenter: object
    morph_vocab: object
    morph_tagger: object
    ner_tagger: object
    syntax_parser: object
    names_extractor: object


@functools.cache
def load_models() -> NatashaModels:
    """Load natasha's models (shipped inside the package, no download) once per process."""
    embedding = NewsEmbedding()
    morph_vocab = MorphVocab()
    return NatashaModels(
        segmenter=Segmenter(),
        morph_vocab=morph_vocab,
        morph_tagger=NewsMorphTagger(embedding),
        ner_tagger=NewsNERTagger(embedding),
        syntax_parser=NewsSyntaxParser(embedding),
        names_extractor=NamesExtractor(morph_vocab),
    )


def entity_key(name: str) -> str:
    """Case- and ё-insensitive form of a name, used to compare and to hash names."""
    return name.casefold().replace("ё", "е")


def entity_id(entity_type: str, name: str) -> str:
    return stable_id("entity", entity_type, entity_key(name))


def is_abbreviation(name: str) -> bool:
    """An all-capitals short word such as ООН, ФАО or WFC."""
    return bool(ABBREVIATION.match(name))


# ---------------------------------------------------------------- span repair


@dataclass(frozen=True)
class Span:
    start: int
    stop: int
    type: str


def _trim(text: str, span: Span) -> Span | None:
    """Drop junk at the edges, and quotes and brackets that have no partner inside the span."""
    start, stop = span.start, span.stop
    while start < stop and text[start] in EDGE_JUNK:
        start += 1
    while stop > start and text[stop - 1] in EDGE_JUNK:
        stop -= 1
    while start < stop and text[start] in OPENING_QUOTES and not any(c in CLOSING_QUOTES for c in text[start + 1 : stop]):
        start += 1
    while stop > start and text[stop - 1] in CLOSING_QUOTES and not any(c in OPENING_QUOTES for c in text[start : stop - 1]):
        stop -= 1
    if stop > start and text[stop - 1] == ")" and "(" not in text[start:stop]:
        return _trim(text, Span(start, stop - 1, span.type))
    if stop > start and text[start] == "(" and ")" not in text[start:stop]:
        return _trim(text, Span(start + 1, stop, span.type))
    return Span(start, stop, span.type) if stop > start else None


def _close_quote(text: str, span: Span) -> Span:
    """A span that opens a quote it does not close ends at the closing quote right after it."""
    inside = text[span.start : span.stop]
    opened = sum(inside.count(c) for c in "«„")
    closed = sum(inside.count(c) for c in "»“")
    if opened > closed and span.stop < len(text) and text[span.stop] in CLOSING_QUOTES:
        return Span(span.start, span.stop + 1, span.type)
    return span


def _split_brackets(text: str, span: Span) -> list[Span]:
    """«Национального фронта (FN)» → two mentions: the name and what the brackets add."""
    if span.stop < len(text) and text[span.stop] == ")" and "(" in text[span.start : span.stop]:
        span = Span(span.start, span.stop + 1, span.type)
    inside = text[span.start : span.stop]
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", inside, flags=re.S)
    if not match:
        return [span]
    first = Span(span.start + match.start(1), span.start + match.end(1), span.type)
    second = Span(span.start + match.start(2), span.start + match.end(2), span.type)
    return [first, second]


def _split_quoted_name(text: str, span: Span) -> list[Span]:
    """«ОАО «Газпром»» → «Газпром»; «Русской службе «Голоса Америки»» → both organisations."""
    inside = text[span.start : span.stop]
    match = re.fullmatch(r"(.*?\S)\s*[«„“\"](.+)[»“”\"]", inside, flags=re.S)
    if not match or span.type != "ORG":
        return [span]
    prefix = match.group(1)
    name = Span(span.start + match.start(2), span.start + match.end(2), span.type)
    words = prefix.split()
    if len(words) == 1 and (is_abbreviation(prefix) or entity_key(prefix) in LEGAL_FORM_WORDS):
        return [name]
    return [Span(span.start, span.start + match.end(1), span.type), name]


def _merge_split_names(text: str, spans: list[Span]) -> list[Span]:
    """Join neighbours of one type that natasha split at a hyphen («Санкт» «-» «Петербург»).

    Two person spans one space apart are left apart: «зятем Трампа Джаред Кушнер» is two people.
    """
    merged: list[Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            between = text[last.stop : span.start]
            if last.type == span.type and between == "-":
                merged[-1] = Span(last.start, span.stop, span.type)
                continue
        merged.append(span)
    return merged


def repair_spans(text: str, spans: list[Span]) -> list[Span]:
    """Fix natasha's span boundaries: quotes, brackets, legal forms, split names, edge junk.

    Returns sorted, non-overlapping spans with offsets into `text`.
    """
    repaired: list[Span] = []
    for span in spans:
        for part in _split_brackets(text, _close_quote(text, span)):
            for piece in _split_quoted_name(text, part):
                trimmed = _trim(text, piece)
                if trimmed is not None:
                    repaired.append(trimmed)
    repaired = _merge_split_names(text, sorted(repaired, key=lambda s: (s.start, s.stop)))
    result: list[Span] = []
    for span in repaired:
        if result and span.start < result[-1].stop:  # overlaps after repair keep the first
            continue
        result.append(span)
    return result


def bracket_pairs(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Index pairs (i, i + 1) of same-type spans written «X (Y)»: Y names X again (ООН, a transliteration)."""
    pairs = []
    for i in range(len(spans) - 1):
        first, second = spans[i], spans[i + 1]
        between = text[first.stop : second.start]
        closes = second.stop < len(text) and text[second.stop] == ")"
        if first.type == second.type and between.strip() == "(" and closes:
            pairs.append((i, i + 1))
    return pairs


# ---------------------------------------------------------------- resolution


def _person_name(normal: str, models: NatashaModels) -> tuple[str | None, str | None]:
    """(first, last) when natasha's name grammar reads `normal` as first [middle] last, else (None, None).

    The parse is kept only when it names the first and the last word and the
    first name is more than an initial: on real text the grammar also returns
    «С Клайв» for «Клайв Стейплз Льюис» or «Б Петр» for «Б. Петр».
    """
    return _read_person_name(normal, models.names_extractor)


@functools.lru_cache(maxsize=2_048)  # the same names recur across articles, and the grammar is slow (40 % hits, as with 65,536)
def _read_person_name(normal: str, names_extractor) -> tuple[str | None, str | None]:
    match = names_extractor.find(normal)
    words = normal.split()
    if not match or not match.fact.first or not match.fact.last:
        return None, None
    first, last = match.fact.first, match.fact.last
    if entity_key(first) != entity_key(words[0]) or entity_key(last) != entity_key(words[-1]) or len(first) < 2:
        return None, None
    return first, last


def _initials_match(abbreviation: str, name: str) -> bool:
    """Whether the letters of `abbreviation` are the initials of `name`'s words (short function words optional)."""
    words = [w for w in re.split(r"[\s-]+", name) if w]
    letters = entity_key(abbreviation.replace("-", ""))
    return letters in (
        entity_key("".join(w[0] for w in words)),
        entity_key("".join(w[0] for w in words if len(w) > 2)),
    )


def _is_transliteration(first: str, second: str) -> bool:
    """One name in Cyrillic letters, the other in Latin: «Барри Лоуенкрон (Barry Lowenkron)»."""
    cyrillic = re.compile(r"[А-Яа-яЁё]")
    return bool(cyrillic.search(first)) != bool(cyrillic.search(second))


def _matches_surname(word: str, forms: set[str]) -> bool:
    word = entity_key(word)
    if word in forms:
        return True
    # «Макрона» that natasha leaves uninflected still names Макрон
    return any(word.startswith(form) and word[len(form) :] in SURNAME_CASE_ENDINGS for form in forms)


def resolve_article(mentions: list[dict], pairs: list[tuple[int, int]], models: NatashaModels) -> list[str]:
    """The canonical entity name of each mention, resolved within its article.

    PER: a name with first and last name becomes «First Last» (a middle name
    is dropped, so «Владимир Владимирович Путин» and «Владимир Путин» are
    one person); a one-word mention that is, up to case endings, the surname
    of exactly one such person of the article becomes that person.
    ORG/LOC: the normal form. «X (Y)» makes one entity of X and Y only when Y
    abbreviates X by its initials (or X abbreviates Y), for organisations, or
    when one is the other in Latin letters, for people; the full name wins.
    """
    names = [m["normal"] for m in mentions]
    people: dict[str, tuple[str, set[str]]] = {}  # key of the canonical name -> (that name, forms of its surname)
    for i, mention in enumerate(mentions):
        if mention["type"] != "PER" or len(mention["normal"].split()) < 2:
            continue
        first, last = _person_name(mention["normal"], models)
        if first and last:
            names[i] = f"{first} {last}"
        elif len(mention["normal"].split()) < 3 or any(len(w.strip(".")) < 2 for w in mention["normal"].split()):
            # a two-word span the grammar does not read as a name is often not one («Сэр Фрэнк»,
            # «Посланники Мун»); an initial («Б. Петр») is too little to resolve a bare name to
            continue
        _, forms = people.setdefault(entity_key(names[i]), (names[i], set()))
        forms.update(entity_key(words.split()[-1]) for words in (names[i], mention["text"], mention["normal"]))
    for i, mention in enumerate(mentions):
        if mention["type"] != "PER" or len(mention["normal"].split()) != 1:
            continue
        found = [
            name
            for name, forms in people.values()
            if _matches_surname(mention["normal"], forms) or _matches_surname(mention["text"], forms)
        ]
        if len(found) == 1:
            names[i] = found[0]
    aliases: dict[tuple[str, str], str] = {}
    for i, j in pairs:
        first, second = names[i], names[j]
        kind = mentions[i]["type"]
        if kind == "ORG" and is_abbreviation(second) and _initials_match(second, first):
            aliases[(kind, entity_key(second))] = first  # «Центральное разведывательное управление (ЦРУ)»
        elif kind == "ORG" and is_abbreviation(first) and _initials_match(first, second):
            aliases[(kind, entity_key(first))] = second  # «ЦРУ (Центральное разведывательное управление)»
        elif kind == "PER" and _is_transliteration(first, second):
            aliases[(kind, entity_key(second))] = first
        # anything else in brackets is another entity: «Астуджи (Япония)», «ООН (ФАО)»
    if aliases:
        names = [aliases.get((m["type"], entity_key(name)), name) for m, name in zip(mentions, names)]
    return names


# ---------------------------------------------------------------- tagging

# Normal forms of spans seen in this process, by what natasha's normalization reads (see `_normal_form`).
_NORMAL_FORMS: dict[tuple, str] = {}
NORMAL_FORMS_KEPT = 5_000  # about 5 MB; the names that recur are few


def _keep_capitals(surface: str, normal: str) -> str:
    """natasha lowercases an abbreviation that carries a case ending («МИДа» → «мид»); give it back its capitals."""
    if " " not in surface and len(normal) >= 2 and normal.islower() and surface[: len(normal)].isupper():
        return normal.upper()
    return normal


def _needs_syntax(span: DocSpan) -> bool:
    """An organisation of several words with an inflected word: only syntax tells which words to put in the nominative."""
    return (
        span.type == "ORG"
        and len(span.tokens) > 1
        and any(t.pos in ("NOUN", "PROPN", "ADJ") and t.feats.get("Case", "Nom") != "Nom" for t in span.tokens)
    )


def _normal_form(span: DocSpan, morph_vocab) -> str:
    """natasha's `DocSpan.normalize`, remembered: the same names recur across articles and inflecting is slow.

    natasha's result depends only on what the key holds: each token's text, its
    offsets in the span, part of speech, gender, number and case and, for ORG
    (normalized along the syntax tree), which token of the span its head is.
    """
    positions = {token.id: i for i, token in enumerate(span.tokens)}
    key = (span.type, *(
        (
            token.text, token.start - span.start, token.stop - span.start, token.pos,
            token.feats.get("Gender"), token.feats.get("Number"), token.feats.get("Case"),
            positions[token.id] if span.type == "ORG" else None,
            positions.get(token.head_id, -1) if span.type == "ORG" else None,
        )
        for token in span.tokens
    ))  # fmt: skip
    normal = _NORMAL_FORMS.get(key)
    if normal is None:
        span.normalize(morph_vocab)
        normal = _NORMAL_FORMS[key] = span.normal
        if len(_NORMAL_FORMS) > NORMAL_FORMS_KEPT:
            _NORMAL_FORMS.pop(next(iter(_NORMAL_FORMS)))  # forget the oldest
    return normal


def ner_doc(text: str, models: NatashaModels) -> Doc:
    """Bare natasha: segmentation and NER, nothing else (the baseline quality is measured on)."""
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.tag_ner(models.ner_tagger)
    return doc


def tag_article(text: str, models: NatashaModels) -> list[dict]:
    """Mentions of one article as dicts of MENTIONS_SCHEMA columns plus `entity_name` (no article_id/run_id)."""
    doc = analyze([text], models)[0]
    if isinstance(doc, Exception):
        raise doc
    failed = prepare_docs({"": doc}, models)
    if failed:
        raise failed[""]
    return mentions_of(doc, models)


def repair_doc_spans(doc: Doc) -> None:
    """Put the repaired spans (`repair_spans`) in place of natasha's."""
    text = doc.text
    spans = repair_spans(text, [Span(s.start, s.stop, s.type) for s in doc.spans])
    doc.spans = [DocSpan(s.start, s.stop, s.type, text[s.start : s.stop]) for s in spans]
    doc.envelop_span_tokens()
    doc.envelop_sent_spans()


def _sentences_with_spans(doc: Doc) -> list[DocSent]:
    """The sentences that hold a token of a span (spans are sorted and do not overlap)."""
    starts, stops = [span.start for span in doc.spans], [span.stop for span in doc.spans]
    found = []
    for sent in doc.sents:
        first_after = bisect.bisect_right(stops, sent.start)  # the first span ending after the sentence starts
        if first_after < len(starts) and starts[first_after] < sent.stop:
            found.append(sent)
    return found


def prepare_docs(docs: dict[str, Doc], models: NatashaModels) -> dict[str, Exception]:
    """Repair the spans of a batch's Docs (from `analyze`) and add what their normalization reads.

    That is morphology on the sentences holding a span, and the syntax of those
    holding a multi-word organisation in an oblique case, the batch's together.
    Returns the articles that failed, with the exception.
    """
    failed: dict[str, Exception] = {}
    for article_id, doc in docs.items():
        try:
            repair_doc_spans(doc)
        except Exception as exc:
            failed[article_id] = exc
    ready = {article_id: doc for article_id, doc in docs.items() if article_id not in failed}
    failed.update(tag_morph({article_id: _sentences_with_spans(doc) for article_id, doc in ready.items()}, models))
    to_parse = {
        article_id: [(n, sent) for n, sent in enumerate(doc.sents) if any(_needs_syntax(span) for span in sent.spans)]
        for article_id, doc in ready.items()
        if article_id not in failed
    }
    failed.update(parse_syntax(to_parse, models.syntax_parser))
    return failed


def mentions_of(doc: Doc, models: NatashaModels) -> list[dict]:
    """Mentions of a Doc that `prepare_docs` prepared."""
    sentence_starts = [sent.start for sent in doc.sents]
    mentions = []
    for span in doc.spans:
        normal = span.text
        if span.tokens:
            normal = _keep_capitals(span.text, _normal_form(span, models.morph_vocab) or span.text)
        mentions.append(
            {
                "start": span.start,
                "stop": span.stop,
                "sentence": bisect.bisect_right(sentence_starts, span.start) - 1,
                "type": span.type,
                "text": span.text,
                "normal": normal,
            }
        )
    names = resolve_article(mentions, bracket_pairs(doc.text, doc.spans), models)
    for mention, name in zip(mentions, names):
        mention["entity_name"] = name
    return mentions


def tag_entities(
    articles: pa.Table, models: NatashaModels, docs: dict[str, Doc | Exception] | None = None
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Tag a batch. Returns (mentions, entities, quarantine, tagged_articles).

    `docs` is the batch's analysis (`transforms.analysis.analyze_articles`), made here when not given.
    The sentences the batch needs parsed are parsed together.
    """
    docs = analyze_articles(articles, models) if docs is None else docs
    columns = articles.select(["article_id", "text", "language", "source", "record_key", "payload"]).to_pylist()
    failed = {article_id: doc for article_id, doc in docs.items() if isinstance(doc, Exception)}  # natasha's models failed
    failed.update(prepare_docs({article_id: doc for article_id, doc in docs.items() if article_id not in failed}, models))
    mention_rows: list[dict] = []
    entity_rows: dict[str, dict] = {}
    rejected: list[dict] = []
    keep: list[bool] = []
    for article in columns:
        if article["language"] not in TAGGED_LANGUAGES:
            keep.append(True)
            continue
        try:
            if article["article_id"] in failed:
                raise failed[article["article_id"]]
            mentions = mentions_of(docs[article["article_id"]], models)
        except Exception as exc:  # one article that breaks the tagger must not take its batch down
            key = article["record_key"]
            reason = f"{key}: entity tagger failed ({type(exc).__name__}: {exc})"
            rejected.append(quarantine_row(Stage.TAG_ENTITIES, article["source"], key, reason, article["payload"]))
            keep.append(False)
            continue
        keep.append(True)
        for mention in mentions:
            name = mention.pop("entity_name")
            ident = entity_id(mention["type"], name)
            entity_rows.setdefault(ident, {"entity_id": ident, "type": mention["type"], "name": name, "run_id": None})
            mention_rows.append({**mention, "article_id": article["article_id"], "entity_id": ident, "run_id": None})
    tagged = articles.filter(pa.array(keep, type=pa.bool_())) if articles.num_rows else articles
    return (
        pa.Table.from_pylist(mention_rows, schema=MENTIONS_SCHEMA),
        pa.Table.from_pylist(list(entity_rows.values()), schema=ENTITIES_SCHEMA),
        quarantine_table(rejected),
        tagged,
    )


def entities_of(mentions: pa.Table, entities: pa.Table) -> pa.Table:
    """The entities that the given mentions refer to."""
    wanted = pc.unique(mentions.column("entity_id"))
    return entities.filter(pc.is_in(entities.column("entity_id"), value_set=wanted))
