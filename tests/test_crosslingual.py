"""A fact written in one language is found by a question in the other, and only then."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from facts.answers import answer_question
from facts.matching.matcher import Matcher
from facts.matching.bilingual import units
from facts.matching.japanese import content_words
from facts.model import Fact
from facts.render import answer_html, answer_text
from facts.store import FactStore
from tests.clirun import outputs_under_hash_seeds


def _fact(fact_id: int, key: str, question: str, answer: str, lang: str) -> Fact:
    return Fact(
        id=fact_id, key=key, question=question, answer=answer, lang=lang, source_title="City guide",
        source_url=f"https://example.org/guide/{key}", published="2026-04-01",
    )


CITY_GUIDE = [
    _fact(1, "library", "When does the city library open?", "The city library opens at 9 a.m.", "en"),
    _fact(2, "ticket", "How much is a train ticket to the airport?", "A train ticket to the airport costs 500 yen.", "en"),
    _fact(3, "rain", "Will it rain tomorrow?", "Rain is forecast for tomorrow afternoon.", "en"),
    _fact(4, "bicycle", "Where can I park my bicycle?", "Bicycles can be parked behind the station.", "en"),
    _fact(5, "parking", "市役所の駐車場は無料ですか", "市役所の駐車場は2時間まで無料です。", "ja"),
    _fact(6, "post-office", "郵便局は日曜日に開いていますか", "郵便局は日曜日は休みです。", "ja"),
]


@pytest.fixture(scope="module")
def guide() -> Matcher:
    return Matcher(CITY_GUIDE)


# -- words --------------------------------------------------------------------------


def test_japanese_is_cut_into_words_not_across_them() -> None:
    assert content_words("明日雨降る？") == ("明日", "雨", "降る")


def test_a_japanese_word_is_looked_up_in_its_normalised_form() -> None:
    assert content_words("引越しの手続き") == content_words("引っ越しの手続き")


def test_particles_and_helper_verbs_are_not_words_to_translate() -> None:
    assert content_words("北朝鮮はなぜロシアを支持しているの？") == ("北朝鮮", "何故", "ロシア", "支持")


def test_a_question_word_becomes_its_translations() -> None:
    rain = next(unit for unit in units("明日は雨ですか") if unit.word == "雨")
    assert ("rain",) in rain.alternatives
    library = next(unit for unit in units("When does the library open?") if unit.word == "library")
    assert ("図書", "書館") in library.alternatives  # 図書館, as the index's bigrams


def test_a_two_word_english_term_is_one_japanese_word() -> None:
    assert [unit.word for unit in units("Where is the post office?")] == ["post office"]


def test_a_compound_the_word_table_lacks_is_asked_as_its_words() -> None:
    insurance = [
        _fact(7, "quake", "How much does earthquake insurance cost?", "About 20,000 yen a year.", "en"),
        _fact(8, "car", "How much does car insurance cost?", "About 50,000 yen a year.", "en"),
    ]
    answer = Matcher(CITY_GUIDE + insurance).match("地震保険はいくら？").best  # 地震保険: 地震 + 保険

    assert answer is not None and "quake" == answer.fact.key


# -- matching across languages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("図書館は何時に開きますか", "library"),
        ("空港までの電車の切符はいくら？", "ticket"),
        ("明日は雨が降りますか", "rain"),
        ("自転車はどこに止められますか", "bicycle"),
        ("Is parking at city hall free?", "parking"),
        ("Is the post office open on Sunday?", "post-office"),
    ],
)
def test_a_fact_written_in_one_language_answers_the_other(guide: Matcher, question: str, key: str) -> None:
    result = guide.match(question)
    assert result.best is not None and result.best.fact.key == key


@pytest.mark.parametrize("question", ["猫の名前は何ですか", "富士山の高さは？", "What is the capital of Peru?", "How tall is Mount Fuji?"])
def test_a_question_no_fact_answers_in_either_language_gets_none(guide: Matcher, question: str) -> None:
    assert guide.match(question).best is None


def test_the_reply_is_the_fact_with_its_source(guide: Matcher) -> None:
    reply = answer_text(answer_question("図書館は何時に開きますか", guide, "ja"))
    assert reply.splitlines() == [
        "The city library opens at 9 a.m.",
        "出典: City guide（2026-04-01） https://example.org/guide/library",
        "（この事実は英語でのみ登録されています）",
    ]


def test_a_telegram_reply_across_languages_says_why_it_is_in_the_other_language(guide: Matcher) -> None:
    reply = answer_html(answer_question("Is the post office open on Sunday?", guide, "en"))
    assert reply.splitlines() == [
        "郵便局は日曜日は休みです。",
        'Source: <a href="https://example.org/guide/post-office">City guide</a> (2026-04-01)',
        "<i>(This fact is recorded in Japanese only.)</i>",
    ]


def test_a_fact_in_the_question_language_is_preferred_to_a_translation() -> None:
    both = Matcher([*CITY_GUIDE, _fact(7, "rain-ja", "明日は雨が降りますか", "明日は晴れの予報です。", "ja")])
    result = both.match("明日は雨が降りますか")
    assert result.best is not None and result.best.fact.key == "rain-ja"


def test_the_answer_across_languages_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "guide.db")
    store.import_facts(CITY_GUIDE, actor="test")
    code = (
        "import json\n"
        "from facts.matching.matcher import Matcher\n"
        "from facts.store import FactStore\n"
        f"matcher = Matcher.over(FactStore({str(tmp_path / 'guide.db')!r}))\n"
        "asked = ['図書館は何時に開きますか', 'Is the post office open on Sunday?', '猫の名前は何ですか']\n"
        "print(json.dumps([[m.fact.key, m.score] if (m := matcher.match(q).best) else None for q in asked]))\n"
    )
    answers = outputs_under_hash_seeds(code)
    assert len(answers) == 1
    assert [answer[0] if answer else None for answer in json.loads(answers.pop())] == ["library", "post-office", None]


def test_any_length_of_japanese_is_read_without_error() -> None:
    assert len(content_words("雨" * 20_000)) > 0


def _loads_cleared() -> list:
    from facts.matching import bilingual, japanese

    loads = [bilingual._english_words, bilingual._table, japanese._dictionary, japanese._tokenizer]
    for load in loads:
        load.cache_clear()
    return loads


def test_warming_up_loads_the_word_table_and_sudachi_before_anyone_asks() -> None:
    matcher = Matcher(CITY_GUIDE)
    loads = _loads_cleared()

    matcher.warm_up()

    assert [1, 1, 1, 1] == [load.cache_info().currsize for load in loads]
    assert "library" == matcher.match("図書館は何時に開きますか").best.fact.key


def test_a_table_written_in_both_languages_warms_up_without_the_word_table() -> None:
    both = [_fact(1, "library", "When does the city library open?", "At 9 a.m.", "en"),
            _fact(2, "library", "図書館は何時に開きますか", "午前9時です。", "ja")]
    matcher = Matcher(both)
    loads = _loads_cleared()

    matcher.warm_up()

    assert [1, 0, 0, 0] == [load.cache_info().currsize for load in loads]
