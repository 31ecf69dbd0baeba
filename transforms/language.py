"""Language: which language each article is written in, with lingua (its models ship in the package).

`detect_language(articles, detector)` reads `text`, `title` and `language`
and sets each null `language` (a language declared by the source is kept) to
an ISO 639-1 code from LANGUAGES, or `unknown` when lingua cannot decide. Only Russian articles go on to natasha's taggers; the others
are loaded with their language and no entities.
"""

from __future__ import annotations

import functools
import re

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
# (On 3,000 bulk news articles 1,000 characters gave the same languages as 2,000 at 3/4 of the cost.)
SAMPLE_CHARS = 1000

_CODES = {language: code for code, language in LANGUAGES.items()}
# Scraped Russian text can carry English quotes or whole player scripts, and lingua
# then says English. The script most letters are in decides which candidates may
# win, and lingua sees only the words written in that script.
CYRILLIC_CODES = {"ru", "uk", "be", "kk"}
# Embedded scripts and links are Latin: a quarter of the letters in Cyrillic makes a Cyrillic text.
CYRILLIC_SHARE = 0.25
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:['’ʼ-][\u0400-\u04ff]+)*")
LATIN_WORD = re.compile(r"[a-zA-Z\u00c0-\u024f]+(?:['’-][a-zA-Z\u00c0-\u024f]+)*")


# lingua's low accuracy mode (trigram models only) is as right as its high accuracy mode from about this
# many characters on (lingua's documentation says 120); on all 6,000 bulk articles the two agreed on every
# text, but on 54 of their 6,000 titles not. It holds 20 MiB where the full models of LANGUAGES hold 320.
LOW_ACCURACY_FROM_CHARS = 120


class Detector:
    """lingua over LANGUAGES: its low accuracy mode (preloaded) for samples of LOW_ACCURACY_FROM_CHARS or more,
    its high accuracy mode for shorter ones, whose models load on the first short text of a script (about
    140 MiB for the Cyrillic languages) and never in a run without one."""

    def __init__(self) -> None:
        builder = LanguageDetectorBuilder.from_languages(*LANGUAGES.values())
        self.long_texts = builder.with_low_accuracy_mode().with_preloaded_language_models().build()
        self.short_texts = LanguageDetectorBuilder.from_languages(*LANGUAGES.values()).build()

    def for_sample(self, sample: str) -> LanguageDetector:
        return self.long_texts if len(sample) >= LOW_ACCURACY_FROM_CHARS else self.short_texts


@functools.cache
def load_detector() -> Detector:
    """Build lingua's detector for LANGUAGES once per process (models shipped in the package, no download)."""
    return Detector()


def detect_one(text: str, detector: Detector) -> str:
    """The most likely language written in the text's main script, or UNKNOWN."""
    cyrillic, latin = len(CYRILLIC.findall(text)), len(LATIN.findall(text))
    if cyrillic + latin == 0:
        return UNKNOWN
    cyrillic_text = cyrillic >= CYRILLIC_SHARE * (cyrillic + latin)
    words = (CYRILLIC_WORD if cyrillic_text else LATIN_WORD).findall(text[: SAMPLE_CHARS * 4])
    sample = " ".join(words)[:SAMPLE_CHARS]
    for confidence in detector.for_sample(sample).compute_language_confidence_values(sample):
        code = _CODES[confidence.language]
        if (code in CYRILLIC_CODES) == cyrillic_text:
            return code if confidence.value > 0 else UNKNOWN
    return UNKNOWN


def detect_languages(texts: list[str], detector: Detector) -> list[str]:
    """The language code of each text (UNKNOWN when lingua cannot decide)."""
    return [detect_one(text, detector) for text in texts]


def detect_language(articles: pa.Table, detector: Detector) -> pa.Table:
    """Fill the null `language` values of an article batch."""
    columns = articles.select(["title", "text", "language"]).to_pydict()
    codes = [
        declared or detect_one(f"{title}\n{text}" if title else text, detector)
        for title, text, declared in zip(columns["title"], columns["text"], columns["language"], strict=True)
    ]
    codes = pa.array(codes, type=pa.string())
    return articles.set_column(articles.schema.get_field_index("language"), "language", codes)
