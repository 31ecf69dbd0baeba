import pytest

from flows.settings import DEFAULT_BATCH_CHARS, Settings


def test_batches_end_at_a_count_and_at_characters_by_default():
    settings = Settings()
    assert (settings.batch_size, settings.batch_chars) == (200, DEFAULT_BATCH_CHARS)
    assert settings.as_parameters()["batch_chars"] == DEFAULT_BATCH_CHARS  # recorded with each run


@pytest.mark.parametrize(("option", "message"), [("batch_size", "batch size"), ("batch_chars", "batch characters")])
def test_a_batch_limit_below_one_is_refused(option, message):
    with pytest.raises(ValueError, match=f"{message} must be at least 1, got 0"):
        Settings(**{option: 0})
