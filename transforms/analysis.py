"""natasha's analysis of a whole batch at once: segmentation, morphology and named entities.

`analyze(texts, models)` (or `analyze_articles` over a batch's table) returns, per text, what natasha's per-document calls
give (`Doc.segment`, `Doc.tag_morph`, `Doc.tag_ner`: tokens with `pos` and
`feats`, sentences, spans) — equal to them, which a test checks — at about two
thirds of their cost, because:
- slovnet's models see the sentences (morphology) and texts (NER) of the whole
  batch together, sorted by length, so a model call pads little, and NER's
  per-step decoding loop runs once for several texts instead of once per text;
- NER reads the segmenter's tokens: natasha's NER tagger tokenizes every text
  a second time with the same tokenizer (razdel).

A text that breaks a model must not take the batch down: when a batched call
raises, its texts are analysed one by one, and the one that fails gets the
exception in place of its Doc.

`parse_syntax` adds the dependency parse to chosen sentences only (syntax costs
as much as NER): entity tagging parses the sentences holding an inflected
organisation name, event tagging the sentences holding a trigger word. It too
parses a whole batch's sentences at once, shortest first, and a sentence is
parsed once however many stages need it.
"""

from __future__ import annotations

import pyarrow as pa
from natasha.doc import Doc, DocSent, DocSpan, inject_syntax, offset_syntax
from slovnet.bio import bio_spans

# The languages natasha's models are for: other articles get no mentions, dates or events.
TAGGED_LANGUAGES = {"ru"}

# Sequences per model call. Fuller calls stopped paying off above these on the bulk corpus
# (bench: 8-32 sentences and 2-8 texts were within noise of each other; 256/64 was 40% slower).
MORPH_BATCH_SENTENCES = 32
NER_BATCH_TEXTS = 4


def by_length(items: list[list[str]]) -> list[int]:
    """Indices of `items`, shortest first: neighbours in a model call then need little padding."""
    return sorted(range(len(items)), key=lambda i: len(items[i]))


def _with_batch_size(infer, batch_size: int):
    """A copy of a slovnet inference object whose encoder makes model calls of `batch_size` sequences."""
    encoder = infer.encoder
    return type(infer)(infer.model, type(encoder)(encoder.words_vocab, encoder.shapes_vocab, batch_size), infer.decoder)


def _segment(text: str, models) -> Doc:
    doc = Doc(text)
    doc.segment(models.segmenter)
    return doc


def _tag_morph(docs: list[Doc], models) -> None:
    """Set `pos` and `feats` on every token of `docs` (each sentence is tagged on its own, as in natasha)."""
    sents = [sent for doc in docs for sent in doc.sents]
    words = [[token.text for token in sent.tokens] for sent in sents]
    order = by_length(words)
    infer = _with_batch_size(models.morph_tagger.infer, MORPH_BATCH_SENTENCES)
    for i, markup in zip(order, infer([words[i] for i in order])):
        for token, tagged in zip(sents[i].tokens, markup.tokens):
            token.pos = tagged.pos
            token.feats = tagged.feats


def _tag_ner(docs: list[Doc], models) -> None:
    """Set `spans` on `docs`: NER over each whole text, as natasha's `Doc.tag_ner` does."""
    infer = _with_batch_size(models.ner_tagger.infer, NER_BATCH_TEXTS)
    for doc in docs:
        doc.spans = []
    docs = [doc for doc in docs if doc.text.strip()]  # natasha skips blank texts too
    words = [[token.text for token in doc.tokens] for doc in docs]
    order = by_length(words)
    tags = infer.decoder(infer.process(infer.encoder([words[i] for i in order])))
    for i, doc_tags in zip(order, tags):
        doc = docs[i]
        doc.spans = [
            DocSpan(span.start, span.stop, span.type, doc.text[span.start : span.stop])
            for span in bio_spans(doc.tokens, doc_tags)
        ]
        doc.envelop_span_tokens()
        doc.envelop_sent_spans()


def _analyze_together(texts: list[str], models, ner: bool) -> list[Doc]:
    docs = [_segment(text, models) for text in texts]
    _tag_morph(docs, models)
    if ner:
        _tag_ner(docs, models)
    return docs


def analyze(texts: list[str], models, ner: bool = True) -> list[Doc | Exception]:
    """natasha Docs of `texts` (segmented, morphology and, if `ner`, NER tagged); an Exception for a text that failed."""
    try:
        return _analyze_together(texts, models, ner)
    except Exception as exc:
        if len(texts) == 1:
            return [exc]
    return [analyze([text], models, ner)[0] for text in texts]  # find the text that broke the batch


def _parse_together(sents: list[tuple[int, DocSent]], syntax_parser) -> None:
    todo = [(n, sent) for n, sent in sents if sent.tokens and sent.tokens[0].rel is None]
    words = [[token.text for token in sent.tokens] for _, sent in todo]
    order = by_length(words)
    for i, markup in zip(order, syntax_parser.map([words[i] for i in order])):
        sentence_no, sent = todo[i]
        inject_syntax(sent.tokens, markup.tokens)
        offset_syntax(sentence_no + 1, sent.tokens)


def parse_syntax(sentences: dict[str, list[tuple[int, DocSent]]], syntax_parser) -> dict[str, Exception]:
    """Set the dependency parse on the given sentences of each article, as natasha's `Doc.parse_syntax` would.

    `sentences` maps an article to (index in its Doc, sentence) pairs; a
    sentence already parsed is not parsed again. The batch is parsed at once;
    if that raises, article by article. Returns the articles whose parse failed.
    """
    try:
        _parse_together([pair for pairs in sentences.values() for pair in pairs], syntax_parser)
        return {}
    except Exception:
        pass
    failures = {}
    for article_id, pairs in sentences.items():
        try:
            _parse_together(pairs, syntax_parser)
        except Exception as exc:
            failures[article_id] = exc
    return failures


def analyze_articles(articles: pa.Table, models, ner: bool = True) -> dict[str, Doc | Exception]:
    """`analyze` over the batch's articles in a tagged language, by `article_id`."""
    tagged = [row for row in articles.select(["article_id", "text", "language"]).to_pylist() if row["language"] in TAGGED_LANGUAGES]
    docs = analyze([row["text"] for row in tagged], models, ner)
    return {row["article_id"]: doc for row, doc in zip(tagged, docs)}
