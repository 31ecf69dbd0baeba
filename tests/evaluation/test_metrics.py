"""The one precision/recall/F1, worked out by hand."""

import pytest

from evaluation.metrics import precision_recall_f1


@pytest.mark.parametrize(
    "args, expected",
    [
        # 2 of 5 predictions right, 2 of 4 gold found
        ((2, 5, 4), {"precision": 0.4, "recall": 0.5, "f1": 0.4444, "support": 4}),
        # matching not one to one: 4 of 38 events cover a fact, 3 of 5 facts are covered
        ((4, 38, 5, 3), {"precision": 0.1053, "recall": 0.6, "f1": 0.1791, "support": 5}),
        # nothing predicted, nothing to find: 0.0, not a division by zero
        ((0, 0, 0), {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}),
        ((3, 3, 3), {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 3}),
    ],
)
def test_precision_recall_f1(args, expected):
    assert precision_recall_f1(*args) == expected
