"""`factbot run` long-polls a Bot API server on 127.0.0.1 and answers a user's message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ADMIN_ID, TOKEN, USER_ID
from tests.fake_botapi import BotApiServer, Call, FakeBotApi, FloodLimits


@pytest.fixture
def running_bot(tmp_path: Path) -> Iterator[tuple[FakeBotApi, subprocess.Popen[str]]]:
    api = FakeBotApi()
    with BotApiServer(api, TOKEN) as server:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "NO_PROXY": "127.0.0.1,localhost",
            "FACTBOT_TOKEN": TOKEN,
            "FACTBOT_API_BASE_URL": server.base_url,
            "FACTBOT_DB": str(tmp_path / "facts.db"),
            "FACTBOT_ADMINS": str(ADMIN_ID),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
        )
        try:
            yield api, process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr is not None:
                process.stderr.close()


def wait_for_messages(api: FakeBotApi, count: int, timeout: float = 30.0) -> list[Call]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = api.sent("sendMessage")
        if len(sent) >= count:
            return sent
        time.sleep(0.05)
    raise AssertionError(f"the bot sent {len(api.sent('sendMessage'))} messages, expected {count}")


def wait_until_started(api: FakeBotApi, timeout: float = 30.0) -> None:
    """Until the bot has set its command menus, the last step of its start."""
    deadline = time.monotonic() + timeout
    while not api.sent("setMyCommands") and time.monotonic() < deadline:
        time.sleep(0.05)


def user_message(text: str, user_id: int, message_id: int) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Aiko", "language_code": "ja"}
    message: dict[str, object] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


def test_a_user_asks_through_long_polling_and_gets_the_sourced_answer(running_bot) -> None:
    api, process = running_bot

    api.queue_update(user_message("北朝鮮は何人の兵士を派遣した？", USER_ID, 1))
    [reply] = wait_for_messages(api, 1)

    assert USER_ID == reply.params["chat_id"]
    assert "HTML" == reply.params["parse_mode"]
    assert "<b>約1万1千人</b>" in reply.params["text"]
    assert '出典: <a href="https://www.bbc.com/japanese/articles/cvgpjeekzywo">BBCニュース ジャパン</a>（2024-12-19）' in reply.params["text"]
    assert api.sent("setMyCommands"), "the command menu is set at startup"

    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert TOKEN not in stderr, "the token must never be logged"
    assert "北朝鮮" not in stderr and "Aiko" not in stderr, "nor, by default, what users ask or their names"
    assert "factbot running with" in stderr, "the log was captured"


def test_an_admin_adds_a_fact_in_one_line_and_the_next_question_gets_it(running_bot) -> None:
    api, process = running_bot
    url = "https://example.org/pyongyang-metro"

    api.queue_update(user_message(f"/add 平壌の地下鉄の駅はいくつ？ | 16駅あります。 | {url} | 16駅 | 地下鉄ガイド", ADMIN_ID, 1))
    [saved] = wait_for_messages(api, 1)
    api.queue_update(user_message("平壌の地下鉄の駅はいくつ？", USER_ID, 2))
    _, answer = wait_for_messages(api, 2)

    assert ADMIN_ID == saved.params["chat_id"] and saved.params["text"].startswith("事実 #")
    assert USER_ID == answer.params["chat_id"]
    assert f'<b>16駅</b>\n16駅あります。\n出典: <a href="{url}">地下鉄ガイド</a>' == answer.params["text"]
    admin_menus = [call for call in api.sent("setMyCommands") if call.params["scope"]["type"] == "chat"]
    assert {ADMIN_ID} == {call.params["scope"]["chat_id"] for call in admin_menus}


def button_press(data: str, user_id: int, bot_message: dict[str, object], query_id: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Admin", "language_code": "ja"}
    return {"callback_query": {"id": query_id, "from": user, "chat_instance": "1", "data": data,
                               "message": bot_message}}


def test_an_unanswered_question_added_as_an_alias_in_one_tap_is_answered_next_time(running_bot) -> None:
    api, _ = running_bot
    question = "how big is the DPRK expeditionary force?"

    api.queue_update(user_message(question, USER_ID, 1))
    [unknown] = wait_for_messages(api, 1)
    api.queue_update(user_message("/unanswered", ADMIN_ID, 2))
    _, listing = wait_for_messages(api, 2)
    [add] = [button for row in listing.params["reply_markup"]["inline_keyboard"] for button in row
             if button["text"] == "#6 に追加"]  # the admin's Telegram is in Japanese
    bot_message = {"message_id": 1001, "date": int(time.time()), "chat": {"id": ADMIN_ID, "type": "private"},
                   "text": listing.params["text"]}
    api.queue_update(button_press(add["callback_data"], ADMIN_ID, bot_message, "q1"))
    deadline = time.monotonic() + 30
    while not api.sent("editMessageText") and time.monotonic() < deadline:
        time.sleep(0.05)
    api.queue_update(user_message(question, USER_ID, 3))
    *_, answer = wait_for_messages(api, 3)

    assert unknown.params["text"].startswith("Sorry, I don't have a sourced fact")
    assert "を事実 #6 の別の聞き方に追加しました" in api.sent("editMessageText")[0].params["text"]
    assert api.sent("answerCallbackQuery"), "the button press is answered"
    assert USER_ID == answer.params["chat_id"]
    assert "<b>about 11,000</b>" in answer.params["text"]


# -- Telegram failing around a reply: the answer still arrives ---------------------------------------


@pytest.mark.parametrize(
    "fault", [{"status": 500}, {"status": 429, "retry_after": 1}, {"status": None}],
    ids=["500", "429 retry_after 1", "dropped connection"],
)
def test_a_failed_reply_still_reaches_the_user(running_bot, fault) -> None:
    api, _ = running_bot
    api.fail("sendMessage", **fault)

    api.queue_update(user_message("北朝鮮は何人の兵士を派遣した？", USER_ID, 1))
    [reply] = wait_for_messages(api, 1)

    assert 1 == api.injected
    assert "<b>約1万1千人</b>" in reply.params["text"]


def test_an_outage_of_seconds_around_a_reply_delays_it_but_the_answer_arrives(running_bot) -> None:
    api, _ = running_bot
    wait_until_started(api)
    api.queue_update(user_message("北朝鮮は何人の兵士を派遣した？", USER_ID, 1))
    api.outage(2.5, polling=False)  # the question got through; the reply meets the outage

    [reply] = wait_for_messages(api, 1)

    assert api.injected >= 2, "the reply was tried during the outage and again after it"
    assert "<b>約1万1千人</b>" in reply.params["text"]
    assert "すみません、問題が発生しました" not in reply.params["text"]


def test_many_users_under_the_flood_limits_all_get_their_answers_once(running_bot) -> None:
    api, _ = running_bot
    api.flood = FloodLimits(per_second=10, per_chat_per_second=1, chat_burst=1)
    users = range(5000, 5040)

    for number, user in enumerate(users):
        api.queue_update(user_message("北朝鮮は何人の兵士を派遣した？", user, 100 + number))
    replies = wait_for_messages(api, len(users), timeout=60)

    assert sorted(users) == sorted(reply.params["chat_id"] for reply in replies), "each user once, nobody lost"
    assert api.injected > 0, "the server did refuse some with 429"
    assert all("<b>約1万1千人</b>" in reply.params["text"] for reply in replies)
