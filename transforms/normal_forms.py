"""Normal forms of entity spans, remembered: the same names recur across articles and inflecting is slow.

`NormalForms(morph_vocab).normal(span)` is natasha's `DocSpan.normalize` for a
span whose tokens have morphology (and, for ORG, the syntax of its sentence):
«Владимиром Путиным» → «Владимир Путин». One is made with the models
(`transforms.models.load_models`), so a process has one, for the morph
vocabulary it remembers the results of.
"""

from __future__ import annotations

from collections import OrderedDict

from natasha.doc import DocSpan

NORMAL_FORMS_KEPT = 5_000  # about 5 MB; the names that recur are few


class NormalForms:
    """natasha's span normalization with a memo of the `kept` most recently used results.

    natasha's result depends only on what the key holds: each token's text, its
    offsets in the span, part of speech, gender, number and case and, for ORG
    (normalized along the syntax tree), which token of the span its head is.
    """

    def __init__(self, morph_vocab, kept: int = NORMAL_FORMS_KEPT):
        self.morph_vocab = morph_vocab
        self.kept = kept
        self._normals: OrderedDict[tuple, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._normals)

    def normal(self, span: DocSpan) -> str:
        positions = {token.id: i for i, token in enumerate(span.tokens)}
        key = (span.type, *(
            (
                token.text, token.start - span.start, token.stop - span.start, token.pos,
                token.feats.get("Gender"), token.feats.get("Number"), token.feats.get("Case"),
                positions[token.id] if span.type == "ORG" else None,
                positions.get(token.head_id, -1) if span.type == "ORG" else None,
            )
            for token in span.tokens
        ))  # fmt: skip
        normal = self._normals.get(key)
        if normal is None:
            span.normalize(self.morph_vocab)
            normal = self._normals[key] = span.normal
            if len(self._normals) > self.kept:
                self._normals.popitem(last=False)  # forget the least recently used
        else:
            self._normals.move_to_end(key)
        return normal
