"""Language: which language each article is written in, with lingua (its models ship in the package).

`detect_language(articles, detector)` reads `text` (and `title`) and sets
`language` to an ISO 639-1 code from LANGUAGES, or `unknown` when lingua
cannot decide. Only Russian articles go on to natasha's taggers; the others
are loaded with their language and no entities.
"""

from __future__ import annotations

import functools

import pyarrow as pa
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# The languages news arrives in. Restricting lingua to them makes it faster and
# keeps it from guessing a distant language for a short text; ru/uk/be must all be
# candidates for it to tell them apart.
LANGUAGES = {
    "ru": Language.RUSSIAN,
    "uk": Language.UKRAINIAN,
    "be": Language.BELARUSIAN,
    "kk": Language.KAZAKH,
    "en": Language.ENGLISH,
    "de": Language.GERMAN,
    "fr": Language.FRENCH,
    "es": Language.SPANISH,
    "it": Language.ITALIAN,
    "pt": Language.PORTUGUESE,
    "pl": Language.POLISH,
}
UNKNOWN = "unknown"
# The start of a text decides its language as well as the whole; lingua's cost grows with length.
SAMPLE_CHARS = 2000

_CODES = {language: code for code, language in LANGUAGES.items()}


@functools.cache
def load_detector() -> LanguageDetector:
    """Build lingua's detector for LANGUAGES once per process (models preloaded, no download)."""
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values()).with_preloaded_language_models().build()


def sample(title: str | None, text: str) -> str:
    return f"{title}\n{text[:SAMPLE_CHARS]}" if title else text[:SAMPLE_CHARS]


def detect_languages(texts: list[str], detector: LanguageDetector) -> list[str]:
    """The language code of each text (UNKNOWN when lingua cannot decide)."""
    found = detector.detect_languages_in_parallel_of(texts)
    return [_CODES.get(language, UNKNOWN) if language is not None else UNKNOWN for language in found]


def detect_language(articles: pa.Table, detector: LanguageDetector) -> pa.Table:
    """Set the `language` column of an article batch."""
    samples = [sample(title, text) for title, text in zip(articles.column("title").to_pylist(), articles.column("text").to_pylist())]
    codes = pa.array(detect_languages(samples, detector), type=pa.string())
    return articles.set_column(articles.schema.get_field_index("language"), "language", codes)
