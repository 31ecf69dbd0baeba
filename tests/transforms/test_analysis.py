from pathlib import Path

import pytest
from natasha import Doc

from transforms import analysis
from transforms.entities import load_models

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"


@pytest.fixture(scope="module")
def models():
    return load_models()


def natasha_doc(text, models):
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.tag_morph(models.morph_tagger)
    doc.tag_ner(models.ner_tagger)
    return doc


def test_batched_analysis_equals_natashas_per_document_calls(models):
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt"))] + ["", "   "]
    docs = analysis.analyze(texts, models)
    for text, doc in zip(texts, docs):
        expected = natasha_doc(text, models)
        assert [(t.start, t.stop, t.pos, t.feats) for t in doc.tokens] == [(t.start, t.stop, t.pos, t.feats) for t in expected.tokens]
        assert [(s.start, s.stop) for s in doc.sents] == [(s.start, s.stop) for s in expected.sents]
        assert [(s.start, s.stop, s.type, s.text) for s in doc.spans] == [(s.start, s.stop, s.type, s.text) for s in expected.spans]
    assert sum(len(doc.spans) for doc in docs) > 50  # the examples do name people, places and organisations


def test_a_text_that_breaks_a_model_fails_alone(models, monkeypatch):
    segment = analysis._segment

    def failing_segment(text, models):
        if "сломает" in text:
            raise RuntimeError("segmenter broke")
        return segment(text, models)

    monkeypatch.setattr(analysis, "_segment", failing_segment)
    texts = ["Президент Франции Эмманюэль Макрон прилетел в Москву.", "Это сломает сегментатор.", "Мэр Парижа Анн Идальго."]
    docs = analysis.analyze(texts, models)
    assert isinstance(docs[1], RuntimeError)
    for i in (0, 2):
        assert docs[i].spans and [s.text for s in docs[i].spans] == [s.text for s in natasha_doc(texts[i], models).spans]
