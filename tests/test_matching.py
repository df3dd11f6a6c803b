"""The normaliser folds what people type; the matcher answers the right fact or honestly none."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facts.answers import answer_question
from facts.io import bundled_seed, bundled_seed_synonyms
from facts.matching.entries import _entries_of_chunk as _ENTRIES_OF_CHUNK
from facts.matching.matcher import Matcher
from facts.model import Fact
from facts.matching.normalizer import fold, tokens, use_synonyms
from facts.store import FactStore


@pytest.fixture(scope="module")
def seed_facts() -> list[Fact]:
    store = FactStore(":memory:")
    store.seed(bundled_seed())
    return store.all()


@pytest.fixture(scope="module")
def matcher(seed_facts: list[Fact]) -> Matcher:
    return Matcher(seed_facts, synonyms=bundled_seed_synonyms())


@pytest.fixture
def seed_words() -> None:
    """The seed article's synonym groups, as its table has them, for the normaliser (it is module-wide)."""
    use_synonyms(tuple(tuple(group) for group in bundled_seed_synonyms()))


@pytest.fixture
def no_table_words() -> None:
    """A table with no synonym groups: only the lexicon's language knowledge applies."""
    use_synonyms(())


# -- the normaliser --------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1万1千", "11,000", "一万一千", "１１，０００", "11k", "11000"])
def test_every_way_of_writing_eleven_thousand_is_one_number(typed: str) -> None:
    assert "11000" in tokens(f"{typed} 人")


@pytest.mark.parametrize(("typed", "number"), [("1.5k", "1500"), ("1,500k", "1500000"), ("１，５００ｋ", "1500000")])
def test_thousands_written_with_k_are_numbers(typed: str, number: str) -> None:
    assert number in tokens(f"about {typed} troops")


def test_a_code_with_k_in_it_is_not_a_number() -> None:
    assert "1500000" not in tokens("model x1,500k")


def test_full_width_and_case_fold_away() -> None:
    assert fold("ＮＫ Troops") == fold("nk troops")


def test_a_loanword_typed_in_hiragana_is_the_katakana_word() -> None:
    assert tokens("ゼレンスキー") == tokens("ぜれんすきー")


def test_a_question_kanji_does_not_glue_words() -> None:
    assert "何話" not in tokens("会談で何話したの")


@pytest.mark.parametrize(
    ("one", "other"),
    [("troops", "soldiers"), ("派兵", "派遣"), ("DPRK", "North Korea"), ("NK", "北朝鮮"), ("死傷", "損害")],
)
def test_synonyms_meet(seed_words: None, one: str, other: str) -> None:
    assert tokens(one) == tokens(other)


def test_question_words_become_intent_not_content() -> None:
    assert tokens("how many") == tokens("何人") == ["?count"]
    assert tokens("why") == tokens("なぜ") == ["?why"]


def test_english_phrases_match_whole_words_only(seed_words: None) -> None:
    [north_korea] = tokens("North Korea")
    assert north_korea not in tokens("I think so")
    assert north_korea in tokens("nkの兵士")


def test_whose_soldiers_is_kept(seed_words: None) -> None:
    [ukraine], [north_korea], [soldiers] = tokens("Ukraine"), tokens("DPRK"), tokens("troops")
    assert f"@{ukraine}:{soldiers}" in tokens("how many Ukrainian soldiers died")
    assert f"@{north_korea}:{soldiers}" in tokens("北朝鮮兵は何人")


def test_a_table_without_synonyms_has_no_seed_words(no_table_words: None) -> None:
    assert ["send", "hit", "give", "go"] == tokens("sent hit give go to")
    assert ["meet", "北朝鮮"[:2], "朝鮮"] == tokens("met 北朝鮮")


# -- the matcher ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("how many soldiers did north korea send?", "troops-sent-bbc"),
        ("北朝鮮はなぜロシアを支持しているの？", "why-support"),
        ("how many soldiers did nroth korea send", "troops-sent-bbc"),  # a typo
        ("ＦＰＶドローンに北朝鮮兵がやられてるって本当", "fpv-drones"),
        ("プーチン 訪朝 何年ぶり", "putin-visit"),
        ("how many soldiers according to the BBC", "troops-sent-bbc"),  # "according to" names a source
        ("according to reuters how many troops", "troops-sent-reuters"),
        ("will nk send additional soldiers", "more-troops-planned"),
        ("北朝鮮は追加で兵士を送る？", "more-troops-planned"),
        ("were more than 10000 soldiers sent", "troops-sent-reuters"),  # "more than" asks for a number
    ],
)
def test_answers_the_fact_asked_for(matcher: Matcher, question: str, key: str) -> None:
    result = matcher.match(question)

    assert result.best is not None and key == result.best.fact.key


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather in Tokyo?",
        "北朝鮮の人口は？",
        "how many Ukrainian soldiers died?",  # close to the topic, but not what the facts say
        "ウクライナ兵の死者数は",
        "does china support russia",
        "asdkjh qwe",
        "tell me more",  # chat, not a question about more troops
        "will china send more troops",
    ],
)
def test_abstains_when_no_fact_answers(matcher: Matcher, question: str) -> None:
    assert None is matcher.match(question).best


def test_a_change_is_seen_by_the_very_next_question(matcher: Matcher) -> None:
    fact = next(fact for fact in matcher.facts() if fact.key == "kursk-only" and fact.lang == "en")
    changed = fact.model_copy(update={"aliases": [*fact.aliases, "Where is the Zaporizhzhia front?"]})
    japanese = next(fact for fact in matcher.facts() if fact.key == "kursk-only" and fact.lang == "ja")
    scores_before = [(m.fact.id, m.score) for m in matcher.match("北朝鮮兵はどこで戦っているの", limit=10).ranked]

    matcher.apply(fact, changed)
    try:
        result = matcher.match("zaporizhzhia front where")
        assert result.best is not None and "kursk-only" == result.best.fact.key
    finally:
        matcher.apply(changed, fact)
    assert None is matcher.match("zaporizhzhia front where").best
    matcher.apply(japanese, None)
    matcher.apply(None, japanese)  # removed and added back: every weight is as it was
    assert scores_before == [(m.fact.id, m.score) for m in matcher.match("北朝鮮兵はどこで戦っているの", limit=10).ranked]


def _many_facts(seed: list[Fact], copies: int) -> list[Fact]:
    """The seed facts `copies` times over, each copy its own group with its own ids."""
    return [
        fact.model_copy(update={"id": copy * 1000 + (fact.id or 0), "key": f"{fact.key}-{copy}" if copy else fact.key})
        for copy in range(copies)
        for fact in seed
    ]


def test_a_table_built_on_several_cores_answers_like_one_built_in_place(
    seed_facts: list[Fact], monkeypatch: pytest.MonkeyPatch
) -> None:
    import facts.matching.entries

    many = _many_facts(seed_facts, copies=5)
    in_place = Matcher(many)
    monkeypatch.setattr(facts.matching.entries, "worker_count", lambda groups: 2)
    monkeypatch.setattr(facts.matching.entries, "_CHUNK", 7)  # several chunks, split across both workers
    on_cores = Matcher(many)

    questions = [text for fact in seed_facts for text in fact.texts()]
    questions += ["北朝鮮の人口は？", "how many ukrainian soldiers died", "what does reuters say", "BBC 兵士"]
    for question in questions:
        expected, got = in_place.match(question, limit=10), on_cores.match(question, limit=10)
        assert [(m.fact.id, m.score) for m in got.ranked] == [(m.fact.id, m.score) for m in expected.ranked], question
        assert (got.best and got.best.fact.id) == (expected.best and expected.best.fact.id), question
    first = many[0]
    on_cores.apply(first, first.model_copy(update={"aliases": ["Where is the Zaporizhzhia front?"]}))
    assert on_cores.match("zaporizhzhia front where").best is not None  # and it still follows changes


def _killed_on_the_second_chunk(start: int) -> object:
    """A build worker that dies, as the out-of-memory killer would make it (a worker unpickles it by name)."""
    if start == 7:
        os._exit(9)
    return _ENTRIES_OF_CHUNK(start)


def test_if_a_build_worker_dies_the_rest_is_built_in_place(
    seed_facts: list[Fact], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import facts.matching.entries

    many = _many_facts(seed_facts, copies=3)
    in_place = Matcher(many)
    monkeypatch.setattr(facts.matching.entries, "worker_count", lambda groups: 2)
    monkeypatch.setattr(facts.matching.entries, "_CHUNK", 7)
    monkeypatch.setattr(facts.matching.entries, "_entries_of_chunk", _killed_on_the_second_chunk)
    survived = Matcher(many)

    assert "index workers stopped" in caplog.text
    assert survived.facts() == in_place.facts()
    for fact in seed_facts:
        expected, got = in_place.match(fact.question, limit=10), survived.match(fact.question, limit=10)
        assert [(m.fact.id, m.score) for m in got.ranked] == [(m.fact.id, m.score) for m in expected.ranked]


# -- never raises, always returns ---------------------------------------------------------

ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("北朝鮮兵ロシア何人なぜ😀🇰🇵\u202e\u200f\u0000\ufeffمرحباשלום 1万千,."), max_size=200),
    st.text(min_size=1, max_size=40).map(lambda unit: (unit * 10_000)[:10_000]),  # 10k characters
)


@settings(max_examples=150, deadline=timedelta(seconds=2))
@given(question=ANY_TEXT)
def test_matcher_never_raises_and_returns_in_bounded_time(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)

    assert result.best is None or 0 <= result.best.score <= 100
    assert len(result.ranked) <= 3


@settings(max_examples=100, deadline=timedelta(seconds=2))
@given(question=ANY_TEXT)
def test_answering_never_raises(matcher: Matcher, question: str) -> None:
    answer = answer_question(question, matcher, "en")

    assert answer.kind in {"fact", "unknown", "greeting", "thanks", "too_long"}


def test_a_real_word_the_table_does_not_use_is_not_read_as_a_typo() -> None:
    bakery = Fact(
        id=1, question="When does the bakery open?", answer="The bakery opens at 7 a.m.", lang="en",
        source_url="https://example.org/bakery", source_title="Town guide", published="2026-01-01",
    )
    matcher = Matcher([bakery])
    assert matcher.match("When does the baker open?").best is None  # a baker is not a bakery
    typed = matcher.match("When does the bakrey open?").best
    assert typed is not None and typed.fact.answer == "The bakery opens at 7 a.m."


# -- a table's size does not decide its answers -------------------------------------------------------

BAKERY = [
    ("How many loaves does the bakery bake each morning?", "about 400", "The bakery bakes about 400 loaves each morning."),
    ("When does the bakery open?", "6 am", "The bakery opens at 6 am."),
    ("Who founded the bakery?", "Ana Souza", "Ana Souza founded the bakery in 1998."),
    ("Which flour does the bakery use?", "stone-ground rye", "It uses stone-ground rye flour."),
    ("How much does a sourdough loaf cost?", "4 euros", "A sourdough loaf costs 4 euros."),
    ("Does the bakery deliver?", "yes, within the city", "It delivers within the city."),
    ("How many bakers work at the bakery?", "seven", "Seven bakers work there."),
    ("Where does the bakery buy its butter?", "a farm in Normandy", "Its butter comes from a farm in Normandy."),
    ("Is the bakery open on Sundays?", "no", "The bakery is closed on Sundays."),
]
BAKERY_QUESTIONS = [
    "how many loaves are baked each morning", "what time does the bakery open", "what does a sourdough loaf cost",
    "how many bakers are there", "is it open sundays", "where is the butter from",
    "does the bakery sell coffee", "how much is the rent of the bakery", "what is the capital of peru",
]
_SYLLABLES = "ka ri to mo na se lu vi dan kor bel ost gra mir tal zen pol ash ur in".split()


def _sourced(fact_id: int, question: str, figure: str, answer: str) -> Fact:
    return Fact(id=fact_id, question=question, figure=figure, answer=answer, lang="en",
                source_url=f"https://example.org/{fact_id}", source_title="Town guide", published="2026-01-01")


def _exoplanets(count: int) -> list[Fact]:
    """Facts about something else entirely: no word of theirs is in the bakery's facts or questions."""
    facts = []
    for n in range(count):
        name = _SYLLABLES[n % 20] + _SYLLABLES[n // 20 % 20] + _SYLLABLES[n // 400 % 20]
        facts.append(_sourced(100 + n, f"What is the orbital period of exoplanet {name}?", f"{n % 97 + 2} days",
                              f"Exoplanet {name} completes an orbit in {n % 97 + 2} days."))
    return facts


def test_facts_about_something_else_never_change_an_answer() -> None:
    bakery = [_sourced(n + 1, *row) for n, row in enumerate(BAKERY)]

    def answers(extra: int) -> list[tuple[int, float] | None]:
        matcher = Matcher(bakery + _exoplanets(extra))
        found = [matcher.match(question).best for question in BAKERY_QUESTIONS]
        return [(best.fact.id, best.score) if best else None for best in found]

    alone, among_2000, among_4000 = answers(0), answers(2_000), answers(4_000)

    assert [found and found[0] for found in alone] == [1, 2, 5, 7, 9, 8, None, None, None]
    assert [found and found[0] for found in among_2000] == [found and found[0] for found in alone]
    assert among_4000 == among_2000  # to the score: rarity is counted among the facts sharing the question's words
