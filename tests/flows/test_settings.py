import pytest
from pydantic import ValidationError

from flows.settings import LoadSettings, ReplaySettings, RunSettings


def test_batches_end_at_a_count_and_at_characters_by_default():
    settings = RunSettings()
    assert (settings.batch_size, settings.batch_chars) == (200, 500_000)
    assert settings.as_parameters()["batch_chars"] == 500_000  # recorded with each run


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("batch_size", 0, "greater than or equal to 1"),
        ("batch_chars", 0, "greater than or equal to 1"),
        ("workers", 0, "greater than or equal to 1"),
        ("near_duplicate_threshold", 1.0, "less than 1"),
        ("default_timezone", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("inputs", [], "at least 1 item"),
        ("no_such_setting", 1, "Extra inputs are not permitted"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(field, value, message):
    with pytest.raises(ValidationError, match=message) as refused:
        RunSettings(**{field: value})
    assert refused.value.errors()[0]["loc"][0] == field


def test_a_source_time_zone_is_checked_too():
    with pytest.raises(ValidationError, match="unknown time zone 'Europe/Nowhere'"):
        LoadSettings(source_timezones={"wire": "Europe/Nowhere"})


def test_replay_takes_only_stages_it_can_replay():
    assert ReplaySettings(stage="tag-entities").stage == "tag-entities"
    with pytest.raises(ValidationError, match="cannot replay stage 'extract'"):
        ReplaySettings(stage="extract")


def test_settings_are_recorded_as_json_and_read_back_the_same():
    settings = RunSettings(inputs=["a", "b"], source_timezones={"wire": "Europe/Moscow"}, workers=2)
    assert RunSettings(**settings.as_parameters()) == settings


def test_each_limit_is_a_setting_whose_default_is_the_one_declared_in_transforms():
    """transforms/limits.py declares the limits once; the settings, the run's Limits and the articles suite follow it."""
    from dataclasses import fields

    from expectations.articles import MAX_TEXT_CHARS
    from transforms.limits import DEFAULT_LIMITS, Limits

    for limit in fields(Limits):
        assert LoadSettings.model_fields[limit.name].default == getattr(DEFAULT_LIMITS, limit.name), limit.name
    assert LoadSettings().limits == DEFAULT_LIMITS
    assert RunSettings(max_file_bytes=10, max_json_depth=3).limits == Limits(max_file_bytes=10, max_json_depth=3)
    assert MAX_TEXT_CHARS == DEFAULT_LIMITS.max_article_chars
    with pytest.raises(ValidationError, match="less than or equal to 1000000"):
        LoadSettings(max_article_chars=MAX_TEXT_CHARS + 1)  # the articles suite would refuse what normalize let by
