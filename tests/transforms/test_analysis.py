from pathlib import Path

import pytest
from natasha import Doc

from transforms import analysis
from transforms.models import load_models

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"


@pytest.fixture(scope="module")
def models():
    return load_models()


def natasha_doc(text, models):
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.sents = analysis.paragraph_sentences(text, doc.sents)  # the one change: a line break ends a sentence
    doc.envelop_sent_tokens()
    doc.tag_morph(models.morph_tagger)
    doc.tag_ner(models.ner_tagger)
    if doc.tokens:  # natasha's parser fails on a blank text
        doc.parse_syntax(models.syntax_parser)
    return doc


def test_batched_analysis_equals_natashas_per_document_calls(models):
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt"))] + ["", "   "]
    docs = analysis.analyze(texts, models)
    every_sentence = {str(i): list(enumerate(doc.sents)) for i, doc in enumerate(docs)}
    assert analysis.tag_morph({key: [sent for _, sent in pairs] for key, pairs in every_sentence.items()}, models) == {}
    assert analysis.parse_syntax(every_sentence, models.syntax_parser) == {}
    for text, doc in zip(texts, docs, strict=True):
        expected = natasha_doc(text, models)
        fields = lambda t: (t.start, t.stop, t.pos, t.feats, t.id, t.head_id, t.rel)  # noqa: E731
        assert [fields(t) for t in doc.tokens] == [fields(t) for t in expected.tokens]
        assert [(s.start, s.stop) for s in doc.sents] == [(s.start, s.stop) for s in expected.sents]
        assert [(s.start, s.stop, s.type, s.text) for s in doc.spans] == [
            (s.start, s.stop, s.type, s.text) for s in expected.spans
        ]
    assert sum(len(doc.spans) for doc in docs) > 50  # the examples do name people, places and organisations


def test_a_line_break_ends_a_sentence_that_razdel_would_run_on(models):
    text = "Полиция задержала двоих в Москве\n  Суд арестовал их.\n\nМэр выступил. Депутаты спорили"
    (doc,) = analysis.analyze([text], models, ner=False)
    assert [s.text for s in doc.sents] == [
        "Полиция задержала двоих в Москве", "Суд арестовал их.", "Мэр выступил.", "Депутаты спорили",
    ]  # fmt: skip
    assert all(text[s.start : s.stop] == s.text and s.tokens for s in doc.sents)
    assert [t.text for t in doc.sents[1].tokens] == ["Суд", "арестовал", "их", "."]
    # Lines broken inside a sentence (around a link's words) stay one sentence, even before a capital.
    inside = "«Иски будут», —\nзаявила\nзамминистра Петрова. Иск о\nпризнании\nРоссией виновной подан."
    (doc,) = analysis.analyze([inside], models, ner=False)
    assert [s.text for s in doc.sents] == [inside[:44], inside[45:]]


def test_morphology_is_tagged_once_per_sentence_and_a_failing_article_fails_alone(models, monkeypatch):
    texts = {"a": "Мэр Парижа выступил. Погода была хорошей.", "b": "Это сломает теггер.", "c": "Дождь шёл весь день."}
    docs = dict(zip(texts, analysis.analyze(list(texts.values()), models), strict=True))
    tagged = []
    with_batch_size = analysis._with_batch_size

    def counting(infer, batch_size):  # the morphology model, counting what it tags; it breaks on «сломает»
        model = with_batch_size(infer, batch_size)

        def tag(items):
            if any("сломает" in words for words in items):
                raise RuntimeError("tagger broke")
            tagged.extend(items)
            return model(items)

        return tag

    monkeypatch.setattr(analysis, "_with_batch_size", counting)
    failures = analysis.tag_morph({key: list(doc.sents) for key, doc in docs.items()}, models)
    assert list(failures) == ["b"] and str(failures["b"]) == "tagger broke"
    assert all(token.pos for key in ("a", "c") for token in docs[key].tokens)
    assert all(token.pos is None for token in docs["b"].tokens)
    tagged.clear()
    assert analysis.tag_morph({"a": list(docs["a"].sents)}, models) == {}
    assert tagged == []  # tagged already


def test_a_text_that_breaks_a_model_fails_alone(models, monkeypatch):
    segment = analysis._segment

    def failing_segment(text):
        if "сломает" in text:
            raise RuntimeError("segmenter broke")
        return segment(text)

    monkeypatch.setattr(analysis, "_segment", failing_segment)
    texts = [
        "Президент Франции Эмманюэль Макрон прилетел в Москву.",
        "Это сломает сегментатор.",
        "Мэр Парижа Анн Идальго.",
    ]
    docs = analysis.analyze(texts, models)
    assert isinstance(docs[1], RuntimeError)
    for i in (0, 2):
        assert docs[i].spans and [s.text for s in docs[i].spans] == [
            s.text for s in natasha_doc(texts[i], models).spans
        ]


def test_taggers_share_one_word_vocabulary_and_tag_as_natashas_own(models):
    from natasha import NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser

    vocabularies = [t.infer.encoder.words_vocab for t in (models.morph_tagger, models.ner_tagger, models.syntax_parser)]
    assert all(v.item_ids is vocabularies[0].item_ids for v in vocabularies)  # one dict, not three
    embedding = NewsEmbedding()  # natasha's own, each tagger with its own vocabulary
    own = NewsMorphTagger(embedding), NewsNERTagger(embedding), NewsSyntaxParser(embedding)
    text = (EXAMPLES / sorted(p.name for p in EXAMPLES.glob("*.txt"))[0]).read_text(encoding="utf-8")
    shared, separate = Doc(text), Doc(text)
    for doc, (morph, ner, syntax) in (
        (shared, (models.morph_tagger, models.ner_tagger, models.syntax_parser)),
        (separate, own),
    ):
        doc.segment(models.segmenter)
        doc.tag_morph(morph)
        doc.parse_syntax(syntax)
        doc.tag_ner(ner)
    fields = lambda t: (t.start, t.stop, t.pos, t.feats, t.head_id, t.rel)  # noqa: E731
    assert [fields(t) for t in shared.tokens] == [fields(t) for t in separate.tokens]
    assert [(s.start, s.stop, s.type) for s in shared.spans] == [(s.start, s.stop, s.type) for s in separate.spans]
    assert shared.spans  # the example names people and places
