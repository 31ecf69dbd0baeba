"""The issue-20 studies: factRu's convention over NEREL's gold, the boundary model's candidates and learning,
the lower-case organisation candidates. Composed sentences only."""

import razdel

from evaluation.entity_studies import (
    Analysed,
    edge_candidates,
    factru_convention,
    inflected_repeats,
    learn_boundaries,
    phrase_candidates,
)
from transforms.spans import Span


def tokens_of(text):
    return [(t.start, t.stop, t.text) for t in razdel.tokenize(text)]


def at(text, part, kind):
    return (text.index(part), text.index(part) + len(part), kind)


def test_factru_convention_splits_an_organisation_from_the_place_after_it_unless_a_preposition_joins_them():
    text = "Министерство обороны России и ГУ МЧС России по Москве сообщили."
    doc = {
        "text": text,
        "gold": [at(text, "Министерство обороны России", "ORG"), at(text, "ГУ МЧС России по Москве", "ORG")],
        "annotations": [
            (*at(text, "Министерство обороны России", "ORGANIZATION")[:2], "ORGANIZATION"),
            (*at(text, "России", "COUNTRY")[:2], "COUNTRY"),
            (*at(text, "ГУ МЧС России по Москве", "ORGANIZATION")[:2], "ORGANIZATION"),
            (*at(text, "Москве", "CITY")[:2], "CITY"),
        ],
    }
    assert factru_convention(doc) == [
        at(text, "Министерство обороны", "ORG"),
        at(text, "России", "LOC"),
        at(text, "ГУ МЧС России по Москве", "ORG"),
    ]
    factru = {"text": text, "gold": [at(text, "Министерство обороны России", "ORG")]}
    assert factru_convention(factru) == factru["gold"]  # factRu's own gold as it is


def test_edge_candidates_stay_in_the_sentence_keep_quotes_paired_and_never_cut_a_span():
    text = "Глава «Голоса Америки» приехал. Комитет по делам Ивана Петрова в Москве собрался."
    tokens = tokens_of(text)
    sentences = [(0, text.index(".") + 1), (text.index("Комитет"), len(text))]
    spans = [
        Span(*at(text, "Америки", "LOC")),
        Span(*at(text, "Комитет", "ORG")),
        Span(*at(text, "Ивана Петрова", "PER")),
    ]
    found = edge_candidates(text, tokens, sentences, spans)
    edges = {(text[start:stop], side, k) for n, side, k, start, stop in found}
    assert ("Америки", "R", 0) in edges and ("Америки", "L", 0) in edges  # its own edges
    assert ("Голоса Америки", "L", 1) in edges
    assert not any("«" in t and "»" not in t or "»" in t and "«" not in t for t, _, _ in edges)
    assert ("Комитет по делам Ивана Петрова", "R", 4) in edges  # takes the person in whole
    assert ("Комитет по делам Ивана", "R", 3) not in edges  # never cuts it
    assert ("Комитет по делам Ивана Петрова в Москве", "R", 6) in edges
    assert not any("приехал" in t and "Комитет" in t for t, _, _ in edges)  # the sentences stay apart
    assert not any(n == 2 for n, *_ in found)  # PER spans keep their edges


# Morphology as natasha tags it, for the composed sentences below.
MORPH = {
    **dict.fromkeys("по о об в".split(), ("ADP", {})),
    **dict.fromkeys("делам правам ценным бумагам".split(), ("NOUN", {"Case": "Dat"})),
    **dict.fromkeys(
        "молодёжи человека печати архивов регионов итогам года квартала".split(), ("NOUN", {"Case": "Gen"})
    ),
    **dict.fromkeys(
        "собрался заявил выдало оштрафовала выделил объявил сообщил открыло отчитался".split(), ("VERB", {})
    ),
}


def morph_tokens(text):
    return [(a, b, t, *MORPH.get(t, ("NOUN", {"Case": "Nom"}))) for a, b, t in tokens_of(text)]


def test_a_boundary_model_learns_to_take_in_a_complement_with_po():
    sentences = [
        ("Комитет по делам молодёжи собрался вчера.", "Комитет", "Комитет по делам молодёжи"),
        ("Совет по правам человека заявил об этом.", "Совет", "Совет по правам человека"),
        ("Агентство по делам печати выдало лицензию.", "Агентство", "Агентство по делам печати"),
        ("Комиссия по ценным бумагам оштрафовала банк.", "Комиссия", "Комиссия по ценным бумагам"),
        ("Фонд регионов выделил деньги.", "Фонд регионов", "Фонд регионов"),
        ("Банк объявил о прибыли по итогам года.", "Банк", "Банк"),
        ("Газпром сообщил о добыче по итогам квартала.", "Газпром", "Газпром"),
    ]
    docs = []
    for text, tagged, gold in sentences:
        doc = {"text": text, "gold": [at(text, gold, "ORG")]}
        analysed = Analysed(doc, morph_tokens(text), [(0, len(text))], [Span(*at(text, tagged, "ORG"))])
        docs.append((analysed, analysed.spans))
    model = learn_boundaries(docs, c=10.0)
    text = "Управление по делам архивов открыло выставку."
    spans = [Span(*at(text, "Управление", "ORG"))]
    moved = model.extend(text, morph_tokens(text), [(0, len(text))], spans)
    assert moved == [Span(*at(text, "Управление по делам архивов", "ORG"))]
    text = "Сбербанк отчитался о прибыли по итогам года."
    spans = [Span(*at(text, "Сбербанк", "ORG"))]
    assert model.extend(text, morph_tokens(text), [(0, len(text))], spans) == spans


def test_lowercase_candidates_are_noun_phrases_around_a_learned_head_outside_spans():
    text = "В российском министерстве внутренних дел США утверждают обратное."
    morph = {
        "российском": ("ADJ", {"Case": "Loc"}),
        "министерстве": ("NOUN", {"Case": "Loc"}),
        "внутренних": ("ADJ", {"Case": "Gen"}),
        "дел": ("NOUN", {"Case": "Gen"}),
        "США": ("PROPN", {"Case": "Gen"}),
        "утверждают": ("VERB", {}),
    }
    tokens = [(a, b, t, *morph.get(t, ("ADP", {}))) for a, b, t in tokens_of(text)]
    spans = [Span(*at(text, "США", "LOC"))]
    found = {
        " ".join(t[2] for t in tokens[a:b])
        for a, b, _ in phrase_candidates(text, tokens, spans, frozenset({"министерств"}))
    }
    assert found == {  # a phrase ends with a noun: not «министерстве внутренних»
        "министерстве",
        "министерстве внутренних дел",
        "российском министерстве",
        "российском министерстве внутренних дел",
    }
    assert phrase_candidates(text, tokens, spans, frozenset({"банк"})) == []  # not a learned head


def test_inflected_repeats_find_a_tagged_name_in_another_case_but_not_inside_a_longer_name():
    text = "Он говорил Русской службе «Голоса Америки». Голос Америки: спасибо. Новый Голос Америки Плюс."
    spans = [Span(*at(text, "Голоса Америки", "ORG"))]
    found = inflected_repeats(text, tokens_of(text), spans, 2)
    repeat = text.index("Голос Америки:")
    assert found == [spans[0], Span(repeat, repeat + len("Голос Америки"), "ORG")]
    assert inflected_repeats(text, tokens_of(text), spans, 3) == spans  # the name has two words
