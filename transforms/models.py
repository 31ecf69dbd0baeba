"""natasha's models, loaded once per process: `load_models()` is the one way to get them.

The models ship inside natasha's packages (no download). Loading them takes
seconds and they are only read, so each process that tags (the flow's, each
tagging worker, a Dask worker) loads them once and uses them for every batch;
tests share one copy (the session's `models` fixture). With them comes the
process's memo of span normal forms (`transforms.normal_forms.NormalForms`),
which holds what their morph vocabulary computed, and the re-tagger that
re-types natasha's spans (`transforms.retagger`, shipped in this package).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from natasha import (
    MorphVocab,
    NamesExtractor,
    NewsEmbedding,
    NewsMorphTagger,
    NewsNERTagger,
    NewsSyntaxParser,
    Segmenter,
)

from transforms.normal_forms import NormalForms
from transforms.retagger import Retagger, load_retagger


@dataclass(frozen=True)
class NatashaModels:
    segmenter: object
    morph_vocab: object
    morph_tagger: object
    ner_tagger: object
    syntax_parser: object
    names_extractor: object
    normal_forms: NormalForms
    retagger: Retagger | None = None  # the learned re-typing of natasha's spans (None: natasha's types)


@functools.cache
def load_embedding() -> NewsEmbedding:
    """natasha's navec word embedding (news), loaded once per process: the taggers' input, and the
    word vectors of stories (transforms/stories.py) in the flow's process."""
    return NewsEmbedding()


def share_word_vocabulary(embedding: NewsEmbedding, taggers) -> None:
    """Have the taggers read one word vocabulary, the embedding's own.

    Each slovnet model ships the same 250,002 words as navec and builds its own
    list and dict of them: four copies, about 85 MiB per process more than one.
    Shared only where the words are equal, so the taggers' ids do not change.
    """
    words = embedding.vocab.words
    for tagger in taggers:
        vocabulary = tagger.infer.encoder.words_vocab
        if vocabulary.items == words:
            vocabulary.items, vocabulary.item_ids = words, embedding.vocab.word_ids


@functools.cache
def load_models(retagger: bool = True) -> NatashaModels:
    """Load natasha's models (shipped inside the package, no download) once per process.

    `retagger=False` leaves the re-tagger out (natasha's own types): what the re-tagger is trained on.
    """
    embedding = load_embedding()
    morph_vocab = MorphVocab()
    taggers = NewsMorphTagger(embedding), NewsNERTagger(embedding), NewsSyntaxParser(embedding)
    share_word_vocabulary(embedding, taggers)
    morph_tagger, ner_tagger, syntax_parser = taggers
    return NatashaModels(
        segmenter=Segmenter(),
        morph_vocab=morph_vocab,
        morph_tagger=morph_tagger,
        ner_tagger=ner_tagger,
        syntax_parser=syntax_parser,
        names_extractor=NamesExtractor(morph_vocab),
        normal_forms=NormalForms(morph_vocab),
        retagger=load_retagger() if retagger else None,
    )
