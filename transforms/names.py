"""Names: which entity each mention of an article names, and the entity's id.

`resolve_article(mentions, pairs, models)` reads each mention's `type`, `text`
and `normal` (the dicts of `transforms.entities.mentions_of`) and the «X (Y)»
pairs among them (`transforms.spans.bracket_pairs`), and returns the canonical
name of each mention's entity: the fullest name the article gives it («Путин»
→ «Владимир Путин»). Linking across articles (a bare surname to the corpus's
dominant full name) happens in the warehouse, see `warehouse/sql/entities.sql`.

`entity_key` is how names compare, `entity_id` the id an entity's type and
name give it (`entities.entity_id` in the warehouse).
"""

from __future__ import annotations

import functools
import re
from typing import Protocol

from transforms.ids import stable_id


class NameModels(Protocol):
    """What name resolution reads of the models (`transforms.models.NatashaModels`): natasha's name grammar.

    A protocol, not the models' module: spans.py and the re-tagger use this module, and the models load the re-tagger.
    """

    names_extractor: object


# Case endings a Russian surname takes after its nominative form (Макрон → Макрона, Макроном, ...).
SURNAME_CASE_ENDINGS = ("а", "у", "ом", "е", "ым", "ой", "ою", "ы", "и", "ю", "я", "ем", "ей", "ого", "ому")
ABBREVIATION = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&-]{1,9}$")


def entity_key(name: str) -> str:
    """Case- and ё-insensitive form of a name, used to compare and to hash names."""
    return name.casefold().replace("ё", "е")


def entity_id(entity_type: str, name: str) -> str:
    return stable_id("entity", entity_type, entity_key(name))


def is_abbreviation(name: str) -> bool:
    """An all-capitals short word such as ООН, ФАО or WFC."""
    return bool(ABBREVIATION.match(name))


def _person_name(normal: str, models: NameModels) -> tuple[str | None, str | None]:
    """(first, last) when natasha's name grammar reads `normal` as first [middle] last, else (None, None).

    The parse is kept only when it names the first and the last word and the
    first name is more than an initial: on real text the grammar also returns
    «С Клайв» for «Клайв Стейплз Льюис» or «Б Петр» for «Б. Петр».
    """
    return _read_person_name(normal, models.names_extractor)


@functools.lru_cache(
    maxsize=2_048
)  # the same names recur across articles, and the grammar is slow (40 % hits, as with 65,536)
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


def matches_surname(word: str, forms: set[str]) -> bool:
    """Whether `word` is one of the surname `forms` (entity keys), or one of them with a case ending («Макрона»)."""
    word = entity_key(word)
    if word in forms:
        return True
    # «Макрона» that natasha leaves uninflected still names Макрон
    return any(word.startswith(form) and word[len(form) :] in SURNAME_CASE_ENDINGS for form in forms)


def resolve_article(mentions: list[dict], pairs: list[tuple[int, int]], models: NameModels) -> list[str]:
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
            if matches_surname(mention["normal"], forms) or matches_surname(mention["text"], forms)
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
        names = [aliases.get((m["type"], entity_key(name)), name) for m, name in zip(mentions, names, strict=True)]
    return names
