"""The re-tagger: learning from hand-written examples, its file, one type per name, and the shipped model."""

import numpy as np
import pytest

from evaluation.retagger_training import fit, label, labelled_spans
from transforms.retagger import LABELS, MODEL_FILE, NONE, load_retagger, one_type_per_name, read_retagger, span_features
from transforms.spans import Span


def tokens_of(text):
    import razdel

    return [(t.start, t.stop, t.text) for t in razdel.tokenize(text)]


def spans_of(text, *marked):
    """Spans of (substring, natasha's type), each at its first occurrence."""
    return [Span(text.index(s), text.index(s) + len(s), kind) for s, kind in marked]


# Composed sentences: natasha would call «Речсоюз» a place; here it is an organisation, and «Сводки» nothing.
TRAINING = [
    ("Речсоюз утвердил тарифы на перевозки.", [("Речсоюз", "LOC", "ORG")]),
    ("Вчера Речсоюз опубликовал отчёт.", [("Речсоюз", "LOC", "ORG")]),
    ("Представители Речсоюза приехали в Тверь.", [("Речсоюза", "LOC", "ORG"), ("Тверь", "LOC", "LOC")]),
    ("Сводки сообщили о паводке в Самаре.", [("Сводки", "ORG", NONE), ("Самаре", "LOC", "LOC")]),
    ("Утром Сводки обновились, в Казани дождь.", [("Сводки", "ORG", NONE), ("Казани", "LOC", "LOC")]),
    ("Иван Громов приехал в Омск.", [("Иван Громов", "PER", "PER"), ("Омск", "LOC", "LOC")]),
    ("Анна Лисина выступила в Перми.", [("Анна Лисина", "PER", "PER"), ("Перми", "LOC", "LOC")]),
]


def training_examples(examples):
    features, labels = [], []
    for text, marked in examples:
        spans = spans_of(text, *[(s, natasha) for s, natasha, _ in marked])
        features += span_features(text, tokens_of(text), spans)
        labels += [gold for _, _, gold in marked]
    return features, labels


@pytest.fixture(scope="module")
def tiny():
    return fit(*training_examples(TRAINING), c=10.0)


def test_a_model_learned_from_examples_retypes_and_drops(tiny):
    text = "Речсоюз и Сводки встретились в Твери."
    spans = spans_of(text, ("Речсоюз", "LOC"), ("Сводки", "ORG"), ("Твери", "LOC"))
    assert tiny.retag(text, tokens_of(text), spans) == [Span(0, 7, "ORG"), Span(31, 36, "LOC")]


def test_the_saved_model_reads_back_the_same(tiny, tmp_path):
    path = tmp_path / "model.npz"
    tiny.save(path)
    again = read_retagger(path)
    features = training_examples(TRAINING)[0]
    assert again.labels == LABELS
    assert np.allclose(again.probabilities(features), tiny.probabilities(features), atol=2e-3)  # saved as float16


def test_one_name_gets_one_type_in_an_article_unless_the_model_is_sure():
    text = "Вашингтон. Вашингтона. Вашингтону."
    spans = [Span(0, 9, "LOC"), Span(11, 21, "LOC"), Span(23, 33, "LOC")]
    probabilities = np.array(
        [[0.0, 0.3, 0.6, 0.1], [0.0, 0.8, 0.1, 0.1], [0.0, 0.95, 0.05, 0.0]]  # NONE, PER, LOC, ORG
    )
    typed = one_type_per_name(text, spans, probabilities, LABELS)
    assert [s.type for s in typed] == ["PER", "PER", "PER"]  # summed: PER 2.05, LOC 0.75
    probabilities[2] = [0.0, 0.02, 0.98, 0.0]  # sure of a place: it stays one
    assert [s.type for s in one_type_per_name(text, spans, probabilities, LABELS)] == [
        "LOC",
        "LOC",
        "LOC",
    ]  # summed: LOC 1.68, PER 1.12


def test_training_labels_come_from_the_gold_at_the_same_offsets():
    nerel = {"annotations": [(0, 7, "ORGANIZATION"), (0, 16, "EVENT"), (20, 25, "FACILITY"), (30, 36, "CITY")]}
    regions = labelled_spans(nerel)
    assert label(Span(0, 7, "LOC"), regions) == "ORG"
    assert label(Span(20, 25, "LOC"), regions) == NONE  # annotated, but as no person, place or organisation
    assert label(Span(40, 45, "ORG"), regions) == NONE  # nothing annotated there
    assert label(Span(30, 34, "LOC"), regions) is None  # other boundaries: no example
    factru = {"gold": [(0, 5, "PER")], "objects": [{"start": 10, "stop": 20, "spans": []}]}
    regions = labelled_spans(factru)
    assert label(Span(0, 5, "ORG"), regions) == "PER"
    assert label(Span(12, 15, "ORG"), regions) is None
    assert label(Span(30, 35, "ORG"), regions) == NONE


def test_the_shipped_model_is_small_and_loads(models):
    from importlib import resources

    assert resources.files("transforms").joinpath(MODEL_FILE).stat().st_size < 3_000_000
    retagger = load_retagger()
    assert retagger.weights.shape[1] == len(LABELS) and models.retagger is retagger


def test_the_shipped_model_on_composed_sentences(models):
    from transforms.entities import tag_article

    found = {(m["text"], m["type"]) for m in tag_article("По данным СМИ, Белый дом отказался от комментариев.", models)}
    assert found == {("Белый дом", "ORG")}  # natasha: «СМИ» ORG, «Белый дом» LOC
