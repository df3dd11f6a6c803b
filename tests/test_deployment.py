"""Running factbot for real: webhook mode, stopping with SIGTERM, backups, health checks, secrets."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.logs import SecretFilter
from facts.model import Fact, FactData
from facts.store import FactStore
from tests.clirun import base_env
from tests.conftest import ADMIN_ID, TOKEN, USER_ID
from tests.fake_botapi import BotApiServer, FakeBotApi
from tests.test_end_to_end import user_message, wait_for_messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_bot(tmp_path: Path, base_url: str, *args: str, token: str = TOKEN, **env: str) -> subprocess.Popen[str]:
    variables = {"FACTBOT_TOKEN": token, "FACTBOT_API_BASE_URL": base_url, "FACTBOT_DB": str(tmp_path / "facts.db"),
                 "FACTBOT_ADMINS": str(ADMIN_ID), **env}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", *args], env=base_env(tmp_path, **variables), cwd=tmp_path,
        stderr=subprocess.PIPE, text=True,
    )


def stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str]:
    """Stop the bot as systemd does; returns its exit code and everything it logged."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr


def wait_until(condition, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def post_update(port: int, update: dict[str, object], secret: str | None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/hook/factbot", data=json.dumps(update).encode(), method="POST",
        headers={"Content-Type": "application/json", **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {})},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def bot_api() -> Iterator[tuple[FakeBotApi, BotApiServer]]:
    api = FakeBotApi()
    with BotApiServer(api, TOKEN) as server:
        yield api, server


# -- webhook ---------------------------------------------------------------------------


def test_webhook_mode_answers_updates_that_carry_the_secret_and_refuses_others(tmp_path: Path, bot_api) -> None:
    api, server = bot_api
    port = free_port()
    secret = "s3cret-Token_for-tests"
    url = "https://bot.example.org/hook/factbot"
    process = start_bot(tmp_path, server.base_url, "--webhook", url, "--port", str(port), "--log-level", "DEBUG",
                        FACTBOT_WEBHOOK_SECRET=secret)
    try:
        wait_until(lambda: api.sent("setWebhook"), "the bot to register its webhook")
        wait_until(lambda: _listening(port), "the webhook server to listen")
        forged = user_message("how many soldiers?", USER_ID, 1)

        refused = [post_update(port, {"update_id": 1, **forged}, None),
                   post_update(port, {"update_id": 2, **forged}, "wrong-secret")]
        accepted = post_update(port, {"update_id": 3, **user_message("how many soldiers?", USER_ID, 2)}, secret)
        [reply] = wait_for_messages(api, 1)
        time.sleep(0.5)  # a refused update that was processed anyway would show up by now
    finally:
        code, stderr = stop(process)

    [registered] = api.sent("setWebhook")
    assert url == registered.params["url"] and secret == registered.params["secret_token"]
    assert [403, 403] == refused and 200 == accepted
    assert 1 == len(api.sent("sendMessage")) and USER_ID == reply.params["chat_id"]
    assert "about 11,000" in reply.params["text"]
    # (At DEBUG, PTB logs each refused request with a tornado traceback; nothing at ERROR.)
    assert 0 == code and " ERROR " not in stderr
    assert "DEBUG" in stderr and "setWebhook" in stderr, "every Bot API call was logged…"
    assert secret not in stderr and TOKEN not in stderr, "…with neither secret"


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


# -- stopping ---------------------------------------------------------------------------


def test_sigterm_lets_an_answer_in_flight_reach_the_user(tmp_path: Path, bot_api) -> None:
    api, server = bot_api
    api.delays["sendMessage"] = 1.0  # Telegram is slow to take the answer
    process = start_bot(tmp_path, server.base_url)
    wait_until(lambda: api.sent("setMyCommands"), "the bot to start")

    api.queue_update(user_message("how many soldiers?", USER_ID, 1))
    wait_until(lambda: "sendMessage" in api.started, "the answer to be on its way")
    code, stderr = stop(process, signal.SIGTERM)

    assert 0 == code and "Traceback" not in stderr
    [answer] = [call for call in api.delivered if call.method == "sendMessage"]
    assert "about 11,000" in answer.params["text"]


def test_while_telegram_is_unreachable_run_keeps_trying_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    process = start_bot(tmp_path, f"http://127.0.0.1:{port}/bot", FACTBOT_ADMINS="")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stderr.readline, "")), daemon=True)
    reader.start()
    tries = lambda: [line for line in list(lines) if f"cannot reach Telegram at 127.0.0.1:{port}" in line]  # noqa: E731
    wait_until(lambda: len(tries()) >= 2 or process.poll() is not None, "two tries")
    still_running = process.poll() is None

    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=30)
    reader.join(timeout=10)
    process.stderr.close()
    stderr = "".join(lines)

    assert still_running, f"run gave up: {stderr}"
    assert ["1 s", "2 s"] == [line.rsplit("trying again in ", 1)[1].strip() for line in tries()[:2]]
    assert "FACTBOT_ADMINS is empty: nobody can curate facts from Telegram" in stderr
    assert 0 == code and "Traceback" not in stderr


# -- secrets ----------------------------------------------------------------------------


def test_a_rejected_token_is_one_line_and_never_printed_even_at_debug(tmp_path: Path, bot_api) -> None:
    api, server = bot_api
    rejected = "987654:ThisTokenIsNotKnownToTelegram_xyz"
    process = start_bot(tmp_path, server.base_url, "--log-level", "DEBUG", token=rejected)

    _, stderr = process.communicate(timeout=60)
    code = process.returncode

    errors = [line for line in stderr.splitlines() if line.startswith("factbot: error:")]
    assert 2 == code
    assert ["factbot: error: Telegram (127.0.0.1:%d) refused the bot token; check FACTBOT_TOKEN with @BotFather, "
            "and FACTBOT_API_BASE_URL if you changed it" % server._server.server_address[1]] == errors
    assert "DEBUG" in stderr, "the run really logged at DEBUG"
    assert rejected not in stderr and "ThisTokenIsNotKnown" not in stderr
    assert "Traceback" not in stderr


def test_a_base_url_telegram_does_not_know_is_one_line_naming_the_setting(tmp_path: Path, bot_api) -> None:
    api, server = bot_api
    wrong = server.base_url.replace("/bot", "/api/bot")  # answers 404, as a wrong path on Telegram does

    process = start_bot(tmp_path, wrong)
    _, stderr = process.communicate(timeout=60)

    assert 2 == process.returncode
    assert "refused the bot token; check FACTBOT_TOKEN with @BotFather, and FACTBOT_API_BASE_URL" in stderr
    assert "Traceback" not in stderr and TOKEN not in stderr


def test_backup_onto_the_database_itself_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "facts.db"
    main(["--db", str(db), "ask", "hello"])
    before = db.read_bytes()
    capsys.readouterr()

    code = main(["--db", str(db), "backup", str(tmp_path / "." / "facts.db")])

    assert 1 == code and "is the database itself" in capsys.readouterr().err
    assert before == db.read_bytes()


def test_the_log_filter_removes_tokens_from_messages_arguments_and_exceptions() -> None:
    secret_filter = SecretFilter([TOKEN])
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: POST %s", (
            f"https://api.telegram.org/bot{TOKEN}/getMe",), sys.exc_info())
    other = logging.LogRecord("x", logging.DEBUG, __file__, 1, "url https://h/bot111222:AAbbCCddEEffGGhh/x", None, None)

    secret_filter.filter(record)
    secret_filter.filter(other)

    text = logging.Formatter().format(record) + logging.Formatter().format(other)
    assert TOKEN not in text and TOKEN.split(":")[1] not in text and "AAbbCCddEEffGGhh" not in text
    assert "HTTP Request: POST https://api.telegram.org/bot<redacted>/getMe" in text
    assert "The token `<redacted>` was rejected" in text


def test_the_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    store = FactStore(tmp_path / "new" / "place" / "facts.db")
    store.add(FactData(question="q?", answer="a", source_url="https://example.org/", source_title="t"), actor="t")

    modes = {path.name: path.stat().st_mode & 0o777 for path in (tmp_path / "new").rglob("*")}
    store.close()

    assert {"place": 0o700, "facts.db": 0o600, "facts.db-wal": 0o600, "facts.db-shm": 0o600} == modes
    assert 0o700 == (tmp_path / "new").stat().st_mode & 0o777


# -- backup and check ---------------------------------------------------------------------


def test_a_backup_taken_while_another_connection_writes_is_whole(tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    FactStore(db).close()
    writer = FactStore(db)  # the running bot
    stop_writing = threading.Event()
    written = [0]

    def keep_adding() -> None:
        while not stop_writing.is_set():
            written[0] += 1
            writer.add(FactData(question=f"question {written[0]}?", answer="a" * 500, source_url="https://example.org/",
                                source_title="t"), actor="tg:1")

    thread = threading.Thread(target=keep_adding)
    thread.start()
    try:
        wait_until(lambda: written[0] > 20, "writes to start")
        reader = FactStore(db, create=False)
        copies = [reader.backup(tmp_path / f"copy{n}.db") for n in range(5)]
        reader.close()
    finally:
        stop_writing.set()
        thread.join()
        writer.close()

    counts = []
    for copy in copies:
        connection = sqlite3.connect(copy)
        assert [("ok",)] == connection.execute("pragma integrity_check").fetchall()
        facts, audited = connection.execute(
            "select (select count(*) from facts), (select count(distinct fact_id) from audit)").fetchone()
        assert facts == audited, "every fact in the copy has its audit row: one consistent moment"
        assert "delete" == connection.execute("pragma journal_mode").fetchone()[0], "one self-contained file"
        connection.close()
        assert 0o600 == copy.stat().st_mode & 0o777
        counts.append(facts)
    assert counts == sorted(counts) and counts[0] > 20
    assert not list(tmp_path.glob(".*partial*")), "no half-written copy left behind"


def test_backup_and_check_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db, copy = tmp_path / "facts.db", tmp_path / "backups" / "facts-today.db"
    copy.parent.mkdir()
    main(["--db", str(db), "ask", "hello"])
    capsys.readouterr()

    backed_up = main(["--db", str(db), "backup", str(copy)])
    backup_out = capsys.readouterr().out
    checked = main(["--db", str(copy), "check"])
    check_out = capsys.readouterr().out

    assert 0 == backed_up and f"to {copy}" in backup_out
    assert 0 == checked
    assert f"{copy}: integrity ok\nfacts: 34 live, 0 deleted\nsynonym groups: 34\naudit rows: 68\nfeedback reports: 0\n" == check_out


def test_check_of_a_damaged_database_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "facts.db"
    store = FactStore(db)
    store.import_facts([Fact(question=f"question {number}?", answer="an answer " * 30, source_url="https://example.org/",
                             source_title="t") for number in range(300)], actor="t")
    store.close()
    content = bytearray(db.read_bytes())
    page = 4096
    content[-8 * page:-6 * page] = os.urandom(2 * page)  # two pages of the facts table
    db.write_bytes(bytes(content))

    code = main(["--db", str(db), "check"])
    out, err = capsys.readouterr()

    assert 1 == code and "" == out
    assert f"{db}: integrity NOT ok" in err or f"{db} is damaged" in err
    assert "Traceback" not in err


def test_check_and_backup_refuse_a_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.db"

    codes = [main(["--db", str(missing), "check"]), main(["--db", str(missing), "backup", str(tmp_path / "b.db")])]
    err = capsys.readouterr().err

    assert [1, 1] == codes
    assert 2 == err.count(f"there is no database at {missing}")
    assert not missing.exists()


def test_backup_into_a_missing_folder_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "facts.db"
    main(["--db", str(db), "ask", "hello"])
    capsys.readouterr()

    code = main(["--db", str(db), "backup", str(tmp_path / "no" / "such" / "copy.db")])

    assert 1 == code
    assert f"factbot: error: the folder {tmp_path / 'no' / 'such'} does not exist" in capsys.readouterr().err
