"""People ask the bot questions in a chat and get sourced answers."""

from __future__ import annotations

from tests.conftest import Chat

BBC_URL = "https://www.bbc.com/japanese/articles/cvgpjeekzywo"
IOG_URL = "https://instituteofgeoeconomics.org/research/2023110752222/"


async def test_english_question_gets_english_fact_with_figure_and_source(chat: Chat) -> None:
    [reply] = await chat.say("how many soldiers did north korea send?")

    assert reply.parse_mode == "HTML"
    assert "11,000" in reply.text.split("\n")[0] and reply.text.startswith("<b>")
    assert f'Source: <a href="{BBC_URL}">BBC News Japan</a> (2024-12-19)' in reply.text
    assert ("Not what I asked", "wrong:" + reply.buttons[0][1].split(":")[1]) == reply.buttons[0]


async def test_sources_with_different_figures_show_the_newest_and_list_the_rest(chat: Chat) -> None:
    [reply] = await chat.say("how many soldiers?")

    newest, also = reply.text.split("Also reported:")
    assert newest.startswith("<b>about 11,000</b>") and BBC_URL in newest
    assert "<b>about 10,000</b>" in also and '>Reuters</a> (2024-10-16)' in also


async def test_japanese_question_gets_japanese_fact(chat: Chat) -> None:
    [reply] = await chat.say("北朝鮮はなぜロシアを支持しているの？")

    assert "反米" in reply.text
    assert f'出典: <a href="{IOG_URL}">地経学研究所</a>（2024-11-22）' in reply.text
    assert [("質問と違う", reply.buttons[0][1]), ("共有", "")] == reply.buttons
    assert ["北朝鮮はなぜロシアを支持しているの？"] == reply.share_queries


async def test_language_is_a_preference_not_a_filter(chat: Chat) -> None:
    """A Japanese-only fact still answers an English question, through its aliases."""
    admin = chat.app.bot_data["store"]
    from facts.model import FactData

    admin.add(
        FactData(
            question="平壌の地下鉄の駅はいくつ？",
            aliases=["Pyongyang metro stations"],
            answer="平壌の地下鉄には16の駅がある。",
            figure="16駅",
            source_url="https://example.org/metro",
            source_title="テスト出典",
            lang="ja",
        ),
        actor="test",
    )

    [reply] = await chat.say("how many pyongyang metro stations")

    assert "<b>16駅</b>" in reply.text
    assert 'href="https://example.org/metro"' in reply.text


async def test_unknown_question_says_so_and_offers_questions_it_can_answer(chat: Chat) -> None:
    [reply] = await chat.say("what's the weather in Tokyo?")

    assert reply.text.startswith("Sorry, I don't have a sourced fact for that")
    assert "<a href" not in reply.text
    assert 1 <= len(reply.buttons) <= 3
    assert all(data.startswith("ask:") for _, data in reply.buttons)


async def test_pressing_a_suggestion_answers_it(chat: Chat) -> None:
    [no_answer] = await chat.say("what's the weather in Tokyo?")
    label, _ = no_answer.buttons[0]

    [reply] = await chat.press(no_answer, label)

    assert "Source: <a href=" in reply.text


async def test_greetings_and_thanks_get_a_friendly_word_not_a_fact(chat: Chat) -> None:
    [hello] = await chat.say("hello!")
    [thanks] = await chat.say("ありがとう")

    assert hello.text.startswith("Hi!")
    assert thanks.text.startswith("どういたしまして")
    assert "<a href" not in hello.text + thanks.text


async def test_stickers_and_photos_are_asked_to_be_text(chat: Chat) -> None:
    sticker = {"file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512, "is_animated": False,
               "is_video": False, "type": "regular"}
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]

    [to_sticker] = await chat.send(sticker=sticker)
    [to_photo] = await chat.send(photo=photo)

    assert "Please send your question as text." == to_sticker.text == to_photo.text


async def test_long_messages_are_refused_politely(chat: Chat) -> None:
    [reply] = await chat.say("how many soldiers " * 40)

    assert "too long" in reply.text and "500" in reply.text


async def test_unknown_command_points_to_help(chat: Chat) -> None:
    [reply] = await chat.say("/frobnicate now")

    assert "/help" in reply.text


async def test_help_says_what_the_bot_knows_with_examples(chat: Chat) -> None:
    [reply] = await chat.say("/help")

    store = chat.app.bot_data["store"]
    distinct_facts = len({fact.key for fact in store.all()})
    assert f"I know {distinct_facts} facts" in reply.text
    assert "BBC News Japan" in reply.text and "Reuters" in reply.text and "Institute of Geoeconomics" in reply.text
    assert reply.text.count("• ") == 3
    assert "/help" in reply.text


async def test_start_speaks_japanese_to_a_japanese_client(chat: Chat) -> None:
    japanese = chat.as_user(4004, language="ja")

    [reply] = await japanese.say("/start")

    assert "出典付きの情報" in reply.text
    assert "地経学研究所" in reply.text


async def test_fact_text_is_escaped_in_html(chat: Chat) -> None:
    from facts.model import FactData

    chat.app.bot_data["store"].add(
        FactData(
            question="what does <b> & </b> mean in tags test",
            answer="Use <script>alert(1)</script> & friends",
            figure="<1%",
            source_url="https://example.org/a?x=1&y=2",
            source_title="Tom & Jerry <News>",
            lang="en",
        ),
        actor="test",
    )

    [reply] = await chat.say("what does <b> & </b> mean in tags test")

    assert "<b>&lt;1%</b>" in reply.text
    assert "Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; friends" in reply.text
    assert '<a href="https://example.org/a?x=1&amp;y=2">Tom &amp; Jerry &lt;News&gt;</a>' in reply.text


async def test_in_a_group_the_bot_answers_only_when_addressed(chat: Chat) -> None:
    group = chat.in_group()

    assert [] == await group.say("how many soldiers did north korea send?")
    [reply] = await group.say("@factbot_test_bot how many soldiers did north korea send?")
    [via_command] = await group.say("/ask how many soldiers did north korea send?")

    assert "11,000" in reply.text and "11,000" in via_command.text


async def test_not_what_i_asked_is_recorded_for_admins(chat: Chat) -> None:
    [answer] = await chat.say("how many soldiers did north korea send?")

    await chat.press(answer, "Not what I asked")

    [report] = chat.app.bot_data["store"].feedback()
    assert "how many soldiers did north korea send?" == report["question"]
    assert int(answer.buttons[0][1].split(":")[1]) == report["fact_id"]
    [edit] = chat.api.sent("editMessageReplyMarkup")
    [[share]] = edit.params["reply_markup"]["inline_keyboard"]
    assert "Share" == share["text"] and share["switch_inline_query"] == answer.share_queries[0]
