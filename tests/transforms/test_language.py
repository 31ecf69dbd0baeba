import pyarrow as pa
import pytest

from transforms.language import (
    CYRILLIC,
    LATIN,
    LOW_ACCURACY_FROM_CHARS,
    UNKNOWN,
    detect_language,
    detect_languages,
    load_detector,
)


@pytest.fixture(scope="module")
def detector():
    return load_detector()


# Sentences written for these tests; ru, uk and be share most letters and many words.
SENTENCES = pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Правительство утвердило новый бюджет, и депутаты начнут его обсуждение в четверг.", "ru"),
        ("Уряд затвердив новий бюджет, і депутати почнуть його обговорення в четвер.", "uk"),
        ("Урад зацвердзіў новы бюджэт, і дэпутаты пачнуць яго абмеркаванне ў чацвер.", "be"),
        ("The government approved a new budget, and lawmakers will debate it on Thursday.", "en"),
        ("Die Regierung hat einen neuen Haushalt beschlossen, die Abgeordneten beraten am Donnerstag.", "de"),
        ("Rząd zatwierdził nowy budżet, a posłowie zaczną go omawiać w czwartek.", "pl"),
    ],
)


@SENTENCES
def test_detect_languages(detector, text, code):
    assert detector.for_sample(text) is detector.short_texts  # under LOW_ACCURACY_FROM_CHARS
    assert detect_languages([text], detector) == [code]


@SENTENCES
def test_long_texts_go_to_the_low_accuracy_mode_with_the_same_answer(detector, text, code):
    long_text = f"{text} {text.lower()}"
    assert len(long_text) >= LOW_ACCURACY_FROM_CHARS
    assert detector.for_sample(long_text) is detector.long_texts
    assert detect_languages([long_text], detector) == [code]


def test_undecidable_text_is_unknown(detector):
    assert detect_languages(["12345 -- 678"], detector) == [UNKNOWN]


def test_detect_language_sets_the_column(detector):
    articles = pa.table(
        {
            "title": [None, "Новини"],
            "text": ["Сегодня в Москве прошел сильный снегопад.", "Сьогодні в Києві пройшов сильний снігопад."],
            "language": pa.array([None, None], type=pa.string()),
        }
    )
    assert detect_language(articles, detector).column("language").to_pylist() == ["ru", "uk"]


def test_russian_text_with_embedded_script_stays_russian(detector):
    script = (
        ' player.setup({file: "https://cdn.example.test/video.mp4", image: "https://cdn.example.test/a.jpg", autostart: false});'
        * 3
    )
    text = (
        "Протесты в университете обернулись беспорядками, сообщили очевидцы. Полиция задержала "
        "несколько человек, пострадавших нет."
    ) + script  # more Latin letters than Cyrillic ones, as on scraped video pages
    assert len(LATIN.findall(text)) > len(CYRILLIC.findall(text))
    assert detect_languages([text], detector) == ["ru"]


def test_a_language_declared_by_the_source_is_kept(detector):
    articles = pa.table(
        {
            "title": [None, None],
            "text": ["Сегодня в Москве прошел сильный снегопад.", "Сегодня в Москве прошел сильный снегопад."],
            "language": pa.array(["de", None], type=pa.string()),
        }
    )
    assert detect_language(articles, detector).column("language").to_pylist() == ["de", "ru"]
