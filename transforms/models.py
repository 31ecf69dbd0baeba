"""natasha's models, loaded once per process: `load_models()` is the one way to get them.

The models ship inside natasha's packages (no download). Loading them takes
seconds and they are only read, so each process that tags (the flow's, each
tagging worker, a Dask worker) loads them once and uses them for every batch;
tests share one copy (the session's `models` fixture). With them comes the
process's memo of span normal forms (`transforms.normal_forms.NormalForms`),
which holds what their morph vocabulary computed.
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


@dataclass(frozen=True)
class NatashaModels:
    segmenter: object
    morph_vocab: object
    morph_tagger: object
    ner_tagger: object
    syntax_parser: object
    names_extractor: object
    normal_forms: NormalForms


@functools.cache
def load_embedding() -> NewsEmbedding:
    """natasha's navec word embedding (news), loaded once per process: the taggers' input, and the
    word vectors of stories (transforms/stories.py) in the flow's process."""
    return NewsEmbedding()


@functools.cache
def load_models() -> NatashaModels:
    """Load natasha's models (shipped inside the package, no download) once per process."""
    embedding = load_embedding()
    morph_vocab = MorphVocab()
    return NatashaModels(
        segmenter=Segmenter(),
        morph_vocab=morph_vocab,
        morph_tagger=NewsMorphTagger(embedding),
        ner_tagger=NewsNERTagger(embedding),
        syntax_parser=NewsSyntaxParser(embedding),
        names_extractor=NamesExtractor(morph_vocab),
        normal_forms=NormalForms(morph_vocab),
    )
