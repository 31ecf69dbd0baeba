"""Entities: named-entity mentions (PER, LOC, ORG) with natasha, repaired and resolved within the article.

`tag_entities(articles, models)` reads `article_id`, `text`, `language`,
`source`, `record_key` and `payload` and returns:
- mentions (MENTIONS_SCHEMA): article_id, start, stop (offsets into `text`),
  sentence (index of the sentence in the article), type, text (surface form),
  normal (lemma form from natasha's span normalization, syntax-aware for ORG),
  entity_id (the entity the mention resolves to within its article);
- entities (ENTITIES_SCHEMA): entity_id, type, name, one row per entity seen;
- quarantine rows (stage `tag-entities`) for articles on which the tagger failed;
- the articles that were tagged (failed ones removed).

Only Russian articles are tagged; others pass through with no mentions.

natasha segments and tags NER over the whole batch at once
(`transforms.analysis`); then, per article, `transforms.spans.repair_spans`
fixes span boundaries natasha gets wrong (brackets, quotes, legal forms, split
names), the learned re-tagger (`transforms.retagger`) re-types the spans or
drops those that name nothing, one type per name in the article, and names the
article tagged once are tagged where it repeats them untagged
(`transforms.spans.add_repeated_mentions`); the sentences holding a span get morphology, and those holding a
multi-word organisation in an oblique case are parsed for syntax, so that
«Организации украинских националистов» normalizes to «Организация украинских
националистов» (each is as costly as NER, so only those sentences, the batch's
together: `prepare_docs`); span normalization is remembered per process
(`transforms.normal_forms`), as names recur across articles; then
`transforms.names.resolve_article` maps each mention to the fullest name of
its entity in the article.
"""

from __future__ import annotations

import bisect

import pyarrow as pa
import pyarrow.compute as pc
from natasha import Doc
from natasha.doc import DocSent, DocSpan

from transforms.analysis import TAGGED_LANGUAGES, analyze, analyze_articles, parse_syntax, tag_morph
from transforms.models import NatashaModels
from transforms.names import entity_id, resolve_article
from transforms.quarantine import tag_each_article
from transforms.retagger import Token
from transforms.schemas import ENTITIES_SCHEMA, MENTIONS_SCHEMA
from transforms.spans import Span, add_repeated_mentions, bracket_pairs, repair_spans
from transforms.stages import Stage


def _keep_capitals(surface: str, normal: str) -> str:
    """natasha lowercases an abbreviation that carries a case ending («МИДа» → «мид»); give it back its capitals."""
    if " " not in surface and len(normal) >= 2 and normal.islower() and surface[: len(normal)].isupper():
        return normal.upper()
    return normal


def _nominative_surname(kind: str, surface: str, normal: str) -> str:
    """A surname natasha leaves in an oblique case, in the nominative: «Барака Обамы» → «Барак Обама» (not «Барак
    Обамы»), «Анны Лисиной» → «Анна Лисина».

    Only a person's last word that natasha did not change: one ending in «-ы»
    after a consonant (no Russian nominative does) takes «-а»; after a woman's
    first name (in «-а», «-я»), one in «-ной», «-вой» takes «-на», «-ва».
    """
    words, written = normal.split(), surface.split()
    last = words[-1] if words else ""
    if kind != "PER" or not written or last != written[-1] or len(last) < 4:
        return normal
    if last.endswith("ы") and last[-2].lower() not in "аеёиоуыэюяй":
        return " ".join([*words[:-1], last[:-1] + "а"])
    if len(words) > 1 and words[0][-1:] in ("а", "я") and last[-3:] in ("ной", "вой"):
        return " ".join([*words[:-1], last[:-2] + "а"])
    return normal


def _needs_syntax(span: DocSpan) -> bool:
    """An organisation of several words with an inflected word: only syntax tells which words to put in the nominative."""
    return (
        span.type == "ORG"
        and len(span.tokens) > 1
        and any(t.pos in ("NOUN", "PROPN", "ADJ") and t.feats.get("Case", "Nom") != "Nom" for t in span.tokens)
    )


def tag_article(text: str, models: NatashaModels) -> list[dict]:
    """Mentions of one article as dicts of MENTIONS_SCHEMA columns plus `entity_name` (no article_id/run_id)."""
    doc = analyze([text], models)[0]
    if isinstance(doc, Exception):
        raise doc
    failed = prepare_docs({"": doc}, models)
    if failed:
        raise failed[""]
    return mentions_of(doc, models)


def repaired_spans(doc: Doc) -> list[Span]:
    """natasha's spans of a Doc (segmented, NER tagged) with their boundaries repaired (`repair_spans`)."""
    return repair_spans(doc.text, [Span(s.start, s.stop, s.type) for s in doc.spans])


def doc_tokens(doc: Doc) -> list[Token]:
    """The Doc's tokens as the re-tagger reads them: offsets, text, and morphology where it was tagged."""
    return [(t.start, t.stop, t.text, t.pos, t.feats) for t in doc.tokens]


def set_spans(doc: Doc, spans: list[Span]) -> None:
    """Make `spans` the Doc's spans, each with its tokens and in its sentence."""
    doc.spans = [DocSpan(s.start, s.stop, s.type, doc.text[s.start : s.stop]) for s in spans]
    doc.envelop_span_tokens()
    doc.envelop_sent_spans()


def _spans_of(doc: Doc) -> list[Span]:
    return [Span(s.start, s.stop, s.type) for s in doc.spans]


def _sentences_with_spans(doc: Doc) -> list[DocSent]:
    """The sentences that hold a token of a span (spans are sorted and do not overlap)."""
    starts, stops = [span.start for span in doc.spans], [span.stop for span in doc.spans]
    found = []
    for sent in doc.sents:
        first_after = bisect.bisect_right(stops, sent.start)  # the first span ending after the sentence starts
        if first_after < len(starts) and starts[first_after] < sent.stop:
            found.append(sent)
    return found


def _each_doc(docs: dict[str, Doc], step, failed: dict[str, Exception]) -> None:
    """`step(doc)` on each Doc that has not failed; one that raises is added to `failed`."""
    for article_id, doc in docs.items():
        if article_id in failed:
            continue
        try:
            step(doc)
        except Exception as exc:
            failed[article_id] = exc


def _morph_sentences_with_spans(docs: dict[str, Doc], models: NatashaModels, failed: dict[str, Exception]) -> None:
    ready = {article_id: doc for article_id, doc in docs.items() if article_id not in failed}
    failed.update(tag_morph({article_id: _sentences_with_spans(doc) for article_id, doc in ready.items()}, models))


def candidate_docs(docs: dict[str, Doc], models: NatashaModels) -> dict[str, Exception]:
    """Repair the spans of a batch's Docs (from `analyze`) and tag the morphology of the sentences holding them:
    what the re-tagger reads. Returns the articles that failed, with the exception."""
    failed: dict[str, Exception] = {}
    _each_doc(docs, lambda doc: set_spans(doc, repaired_spans(doc)), failed)
    _morph_sentences_with_spans(docs, models, failed)
    return failed


def prepare_docs(docs: dict[str, Doc], models: NatashaModels) -> dict[str, Exception]:
    """Repair and re-type the spans of a batch's Docs (from `analyze`) and add what their normalization reads.

    That is: span repair and morphology on the sentences holding a span
    (`candidate_docs`); the re-tagger (`models.retagger`) and the names the
    article repeats untagged (`add_repeated_mentions`), whose sentences get
    morphology too; the syntax of the sentences holding a multi-word
    organisation in an oblique case. The batch's sentences go to each model
    together. Returns the articles that failed, with the exception.
    """
    failed = candidate_docs(docs, models)

    def retag(doc: Doc) -> None:
        spans, tokens = _spans_of(doc), doc_tokens(doc)
        if models.retagger is not None:
            spans = models.retagger.retag(doc.text, tokens, spans)
        set_spans(doc, add_repeated_mentions(doc.text, tokens, spans))

    _each_doc(docs, retag, failed)
    _morph_sentences_with_spans(docs, models, failed)  # a sentence tagged already is not tagged again
    to_parse = {
        article_id: [(n, sent) for n, sent in enumerate(doc.sents) if any(_needs_syntax(span) for span in sent.spans)]
        for article_id, doc in docs.items()
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
            normal = _keep_capitals(span.text, models.normal_forms.normal(span) or span.text)
            normal = _nominative_surname(span.type, span.text, normal)
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
    for mention, name in zip(mentions, names, strict=True):
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
    failed = {
        article_id: doc for article_id, doc in docs.items() if isinstance(doc, Exception)
    }  # natasha's models failed
    failed.update(
        prepare_docs({article_id: doc for article_id, doc in docs.items() if article_id not in failed}, models)
    )
    mentions_by_article, rejected, tagged = tag_each_article(
        articles,
        lambda article: mentions_of(docs[article["article_id"]], models),
        stage=Stage.TAG_ENTITIES,
        tagger_name="entity tagger",
        languages=TAGGED_LANGUAGES,
        failures=failed,
    )
    mention_rows: list[dict] = []
    entity_rows: dict[str, dict] = {}
    for article_id, mentions in mentions_by_article.items():
        for mention in mentions:
            name = mention.pop("entity_name")
            ident = entity_id(mention["type"], name)
            entity_rows.setdefault(ident, {"entity_id": ident, "type": mention["type"], "name": name, "run_id": None})
            mention_rows.append({**mention, "article_id": article_id, "entity_id": ident, "run_id": None})
    return (
        pa.Table.from_pylist(mention_rows, schema=MENTIONS_SCHEMA),
        pa.Table.from_pylist(list(entity_rows.values()), schema=ENTITIES_SCHEMA),
        rejected,
        tagged,
    )


def entities_of(mentions: pa.Table, entities: pa.Table) -> pa.Table:
    """The entities that the given mentions refer to."""
    wanted = pc.unique(mentions.column("entity_id"))
    return entities.filter(pc.is_in(entities.column("entity_id"), value_set=wanted))
