"""Precision, recall and F1: the one definition behind every figure `evaluation` reports."""

from __future__ import annotations

DIGITS = 4  # figures are rounded, so that reports and tests compare them as printed


def precision_recall_f1(right: int, predicted: int, gold: int, found: int | None = None) -> dict:
    """Figures of a tagger whose `predicted` items hold `right` correct ones, against `gold` items of which it `found` some.

    `found` is `right` when matching is one to one (the default); it differs
    when it is not (one event may cover several gold facts, several events one).
    Returns precision, recall and F1 (0.0 where undefined), rounded to DIGITS
    places, and `support`, the number of gold items.
    """
    found = right if found is None else found
    precision = right / predicted if predicted else 0.0
    recall = found / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, DIGITS),
        "recall": round(recall, DIGITS),
        "f1": round(f1, DIGITS),
        "support": gold,
    }
