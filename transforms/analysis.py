"""natasha's analysis of a whole batch at once: segmentation, named entities, and morphology and syntax where needed.

`analyze(texts, models)` (or `analyze_articles` over a batch's table) segments
each text and tags its named entities; `tag_morph` then adds morphology (`pos`,
`feats`) and `parse_syntax` the dependency parse to the sentences a stage needs
them on. What they set equals natasha's per-document calls (`Doc.segment`,
`Doc.tag_ner`, `Doc.tag_morph`, `Doc.parse_syntax`; morphology and syntax
read «е» for «ё», see `tagger_words`), which a test checks, at a fraction of
their cost, because:
- slovnet's models see the sentences (morphology, syntax) and texts (NER) of
  the whole batch together, sorted by length, so a model call pads little, and
  NER's per-step decoding loop runs once for several texts instead of once per text;
- NER reads the segmenter's tokens: natasha's NER tagger tokenizes every text
  a second time with the same tokenizer (razdel); and razdel's tokens become
  natasha's records directly, not through an interim record each;
- only the sentences that need it get morphology (those holding an entity
  mention, or an event trigger word) or syntax (those holding an inflected
  organisation name, or a trigger word): each is as costly as NER. A sentence
  is tagged or parsed once however many stages need it.

A text or an article that breaks a model must not take the batch down: when a
batched call raises, its texts (or articles) go one by one, and the one that
fails gets the exception in place of its Doc (or in the failures returned).
"""

from __future__ import annotations

import re

import pyarrow as pa
import razdel
from natasha.doc import Doc, DocSent, DocSpan, DocToken, inject_syntax, offset_syntax
from slovnet.bio import bio_spans

# The languages natasha's models are for: other articles get no mentions, dates or events.
TAGGED_LANGUAGES = {"ru"}

# A line break with the spaces around it; what a line that starts a sentence starts with (a capital, a
# digit, a quote or a dash); how a line that runs on into the next one ends (a comma, a dash, a colon...).
LINE_BREAK = re.compile(r"\s*\n\s*")
LINE_STARTS_SENTENCE = re.compile(r"[^\W\d_a-zа-яё]|\d|[«\"'„“(—–-]")
LINE_RUNS_ON = re.compile(r"[,;:(«\"„“—–-]$")
# Sequences per model call. Fuller calls stopped paying off above these on the bulk corpus
# (bench: 8-32 sentences and 2-8 texts were within noise of each other; 256/64 was 40% slower).
MORPH_BATCH_SENTENCES = 32
NER_BATCH_TEXTS = 4
YO_AS_YE = str.maketrans("ёЁ", "еЕ")


def by_length(items: list[list[str]]) -> list[int]:
    """Indices of `items`, shortest first: neighbours in a model call then need little padding."""
    return sorted(range(len(items)), key=lambda i: len(items[i]))


def _with_batch_size(infer, batch_size: int):
    """A copy of a slovnet inference object whose encoder makes model calls of `batch_size` sequences."""
    encoder = infer.encoder
    return type(infer)(infer.model, type(encoder)(encoder.words_vocab, encoder.shapes_vocab, batch_size), infer.decoder)


def paragraph_sentences(text: str, sents) -> list[DocSent]:
    """razdel's sentences (anything with `start`, `stop`) cut at line breaks that end a sentence, as natasha's records.

    razdel joins lines: a headline without a full stop ran into the article's first sentence, and
    that one sentence then got one parse and one clause for both. A line break ends a sentence when
    the next line starts as a sentence does (`LINE_STARTS_SENTENCE`), and its own line does not run
    on (`LINE_RUNS_ON`) and is whole: some sources break lines inside sentences, around a link's
    words, and a line that starts inside a sentence («признании\nРоссией») ends none.
    """
    cut = []
    for sent in sents:
        start = sent.start
        for line_break in LINE_BREAK.finditer(text, sent.start, sent.stop):
            before, after = text[start : line_break.start()], text[line_break.end() : sent.stop]
            if "\n" not in before and LINE_STARTS_SENTENCE.match(after) and not LINE_RUNS_ON.search(before):
                cut.append(DocSent(start, line_break.start(), before))
                start = line_break.end()
        cut.append(DocSent(start, sent.stop, text[start : sent.stop]))
    return cut


def _segment(text: str) -> Doc:
    """natasha's `Doc.segment` with sentences cut at line breaks: razdel's tokens and sentences, made
    natasha's records without an interim record each."""
    doc = Doc(text)
    doc.tokens = [DocToken(token.start, token.stop, token.text) for token in razdel.tokenize(text)]
    doc.sents = paragraph_sentences(text, razdel.sentenize(text)) if text else []
    doc.envelop_sent_tokens()
    return doc


def tagger_words(sent: DocSent) -> list[str]:
    """The words of a sentence as natasha's morphology and syntax models read them: with «е» for «ё».

    Their vocabulary is spelt with «е»: 1,364 of its 250,002 words have «ё», each less frequent than its «е»
    twin; of the 1,265 words with «ё» in 2,000 bulk articles, 202 were unknown to it as written and 63 with
    «е» («решённом» is unknown, «решенном» tagged). The tokens keep their text."""
    return [token.text.translate(YO_AS_YE) for token in sent.tokens]


def _tag_morph(sents: list[DocSent], models) -> None:
    """Set `pos` and `feats` on the tokens of `sents` not tagged yet (each sentence is tagged on its own, as in natasha)."""
    sents = [sent for sent in sents if sent.tokens and sent.tokens[0].pos is None]
    words = [tagger_words(sent) for sent in sents]
    order = by_length(words)
    infer = _with_batch_size(models.morph_tagger.infer, MORPH_BATCH_SENTENCES)
    for i, markup in zip(order, infer([words[i] for i in order]), strict=True):
        for token, tagged in zip(sents[i].tokens, markup.tokens, strict=True):
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
    for i, doc_tags in zip(order, tags, strict=True):
        doc = docs[i]
        doc.spans = [
            DocSpan(span.start, span.stop, span.type, doc.text[span.start : span.stop])
            for span in bio_spans(doc.tokens, doc_tags)
        ]  # not yet assigned to tokens and sentences: entity tagging repairs them first


def _analyze_together(texts: list[str], models, ner: bool) -> list[Doc]:
    docs = [_segment(text) for text in texts]
    if ner:
        _tag_ner(docs, models)
    return docs


def analyze(texts: list[str], models, ner: bool = True) -> list[Doc | Exception]:
    """natasha Docs of `texts` (segmented and, if `ner`, NER tagged); an Exception for a text that failed."""
    try:
        return _analyze_together(texts, models, ner)
    except Exception as exc:
        if len(texts) == 1:
            return [exc]
    return [analyze([text], models, ner)[0] for text in texts]  # find the text that broke the batch


def _parse_syntax(sents: list[tuple[int, DocSent]], syntax_parser) -> None:
    """Set the parse on the sentences of `sents` not parsed yet; ids read «sentence_token», as natasha's."""
    sents = [(n, sent) for n, sent in sents if sent.tokens and sent.tokens[0].rel is None]
    words = [tagger_words(sent) for _, sent in sents]
    order = by_length(words)
    for i, markup in zip(order, syntax_parser.map([words[i] for i in order]), strict=True):
        sentence_no, sent = sents[i]
        inject_syntax(sent.tokens, markup.tokens)
        offset_syntax(sentence_no + 1, sent.tokens)


def _by_article(step, sentences: dict[str, list]) -> dict[str, Exception]:
    """Run `step` over the sentences of all articles at once; if that raises, article by article.

    Returns the articles `step` failed on, with the exception.
    """
    try:
        step([sent for sents in sentences.values() for sent in sents])
        return {}
    except Exception:
        pass
    failures = {}
    for article_id, sents in sentences.items():
        try:
            step(sents)
        except Exception as exc:
            failures[article_id] = exc
    return failures


def tag_morph(sentences: dict[str, list[DocSent]], models) -> dict[str, Exception]:
    """Set morphology on the given sentences of each article, as natasha's `Doc.tag_morph` would.

    Returns the articles whose tagging failed (see `_by_article`).
    """
    return _by_article(lambda sents: _tag_morph(sents, models), sentences)


def parse_syntax(sentences: dict[str, list[tuple[int, DocSent]]], syntax_parser) -> dict[str, Exception]:
    """Set the dependency parse on the given sentences of each article, as natasha's `Doc.parse_syntax` would.

    `sentences` maps an article to (index in its Doc, sentence) pairs; the
    sentences need morphology first (`tag_morph`). Returns the articles whose
    parse failed (see `_by_article`).
    """
    return _by_article(lambda sents: _parse_syntax(sents, syntax_parser), sentences)


def analyze_articles(articles: pa.Table, models, ner: bool = True) -> dict[str, Doc | Exception]:
    """`analyze` over the batch's articles in a tagged language, by `article_id`."""
    tagged = [
        row
        for row in articles.select(["article_id", "text", "language"]).to_pylist()
        if row["language"] in TAGGED_LANGUAGES
    ]
    docs = analyze([row["text"] for row in tagged], models, ner)
    return {row["article_id"]: doc for row, doc in zip(tagged, docs, strict=True)}
