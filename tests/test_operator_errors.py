"""An operator's mistakes and a hostile machine get one line with the cause and a hint, never a traceback.

Exit code 2: the command line or configuration is wrong. Exit code 1: the data
or the database file is the problem.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from facts.store import APPLICATION_ID, FactStore, explain_error
from tests.clirun import base_env, factbot, permissions_are_enforced


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("FACTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert 1 == len(lines), f"expected one line, got: {err}"
    assert "Traceback" not in err
    return lines[0]


# -- configuration -----------------------------------------------------------------


@pytest.mark.parametrize("value, admins", [
    ("42 43", {42, 43}), ("42,43", {42, 43}), (" 42, 43\t44 ", {42, 43, 44}), ("", set()), ("1234567890", {1234567890}),
])
def test_admins_may_be_separated_by_commas_or_spaces(monkeypatch: pytest.MonkeyPatch, value: str, admins: set[int]) -> None:
    monkeypatch.setenv("FACTBOT_ADMINS", value)

    assert admins == set(Settings(_env_file=None).admins)


@pytest.mark.parametrize("value, bad", [
    ("-5", "'-5'"), ("0", "'0'"), ("12345678901234567890123", "'12345678901234567890123'"), ("42;43", "'42;43'"),
    ("42 abc", "'abc'"), ("4.2", "'4.2'"), ("@alice", "'@alice'"),
])
def test_a_bad_admin_id_is_refused_in_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str, bad: str
) -> None:
    monkeypatch.setenv("FACTBOT_ADMINS", value)

    code, out, err = run(capsys, "--db", str(tmp_path / "f.db"), "ask", "how many soldiers?")

    line = one_line(err)
    assert 2 == code and "" == out
    assert line.startswith("factbot: error: bad configuration: FACTBOT_ADMINS: ")
    assert bad in line and "not a Telegram user id" in line
    assert not (tmp_path / "f.db").exists()


@pytest.mark.parametrize("url", ["api.telegram.org/bot", "ftp://example.org/bot", "https://", "https://api.telegram.org"])
def test_a_base_url_that_is_not_http_is_refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("FACTBOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    monkeypatch.setenv("FACTBOT_API_BASE_URL", url)

    code, _, err = run(capsys, "run")

    assert 2 == code
    assert "FACTBOT_API_BASE_URL" in one_line(err) and ("not an http(s) URL" in err or "has no path" in err)


# -- the database path and file ------------------------------------------------------


def test_db_pointing_at_a_folder_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path), "ask", "how many soldiers?")

    assert 2 == code
    assert f"{tmp_path} is a folder, not a database file" in one_line(err)
    assert f"--db {tmp_path / 'facts.db'}" in err


@pytest.mark.parametrize("args, env", [(["--db", ""], {}), ([], {"FACTBOT_DB": ""}), (["--db", "  "], {})])
def test_an_empty_db_path_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    code, _, err = run(capsys, *args, "ask", "how many soldiers?")

    assert 2 == code
    assert "empty" in one_line(err)


def test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_was(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"my shopping list\n" * 200)

    code, _, err = run(capsys, "--db", str(notes), "ask", "how many soldiers?")

    assert 1 == code
    assert f"{notes} is not a SQLite database" in one_line(err)
    assert b"my shopping list\n" * 200 == notes.read_bytes()


def test_a_damaged_database_is_refused_with_a_hint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", str(db), "ask", "hello")
    content = db.read_bytes()
    db.write_bytes(content[:100] + b"\xff" * 3000 + content[3100:])  # the table of tables

    code, _, err = run(capsys, "--db", str(db), "ask", "how many soldiers?")

    assert 1 == code
    line = one_line(err)
    assert str(db) in line and ("damaged" in line or "not a SQLite database" in line)


def test_another_programs_sqlite_file_is_refused_not_modified(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "browser-history.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("create table visits (url text, at text)")
    connection.execute("insert into visits values ('https://example.org/', '2024-01-01')")
    connection.commit()
    connection.close()
    before = other.read_bytes()

    code, _, err = run(capsys, "--db", str(other), "ask", "how many soldiers?")

    assert 1 == code
    assert "another program's SQLite database (tables: visits)" in one_line(err)
    assert before == other.read_bytes()
    assert [other.name] == [path.name for path in tmp_path.iterdir()], "no -wal or -shm either"


def test_a_database_marked_by_another_program_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "geo.gpkg"
    connection = sqlite3.connect(other)
    connection.execute("pragma application_id = 1196444487")  # GeoPackage
    connection.execute("create table facts (id integer)")
    connection.commit()
    connection.close()

    code, _, err = run(capsys, "--db", str(other), "ask", "how many soldiers?")

    assert 1 == code and "application_id 0x47504b47" in one_line(err)


def test_a_factbot_database_from_before_the_marking_still_works(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    run(capsys, "--db", str(db), "ask", "hello")
    connection = sqlite3.connect(db)  # as factbot left its files before it marked them
    connection.execute("pragma application_id = 0")
    connection.execute("pragma user_version = 0")
    connection.commit()
    connection.close()

    code, out, err = run(capsys, "--db", str(db), "ask", "how many soldiers?")

    assert (0, "") == (code, err) and "11,000" in out
    connection = sqlite3.connect(db)
    assert (APPLICATION_ID,) == connection.execute("pragma application_id").fetchone()
    connection.close()


def test_a_database_from_a_newer_factbot_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    run(capsys, "--db", str(db), "ask", "hello")
    connection = sqlite3.connect(db)
    connection.execute("pragma user_version = 99")
    connection.commit()
    connection.close()

    code, _, err = run(capsys, "--db", str(db), "ask", "how many soldiers?")

    assert 1 == code and "written by a newer factbot (schema 99" in one_line(err)


# -- permissions and space (a real process, with file permissions enforced) ------------


@pytest.fixture
def operator(tmp_path: Path) -> Path:
    """The operator's home folder, for commands run as a separate process."""
    home = tmp_path / "home"
    home.mkdir()
    return home


needs_permissions = pytest.mark.skipif(
    not permissions_are_enforced(), reason="root that cannot drop CAP_DAC_OVERRIDE: file modes are not enforced"
)


@needs_permissions
def test_a_read_only_database_is_explained(operator: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    FactStore(db).close()
    db.chmod(0o444)
    facts = tmp_path / "new.json"
    facts.write_text('[{"question": "q?", "answer": "a", "source_url": "https://example.org/", "source_title": "t"}]')

    result = factbot("--db", str(db), "import", str(facts), env=base_env(operator), cwd=tmp_path)

    assert 1 == result.returncode
    assert f"{db} is read-only for this user" in one_line(result.stderr)


@needs_permissions
def test_a_read_only_folder_is_explained(operator: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o555)

    result = factbot("--db", str(folder / "facts.db"), "ask", "hi", env=base_env(operator), cwd=tmp_path)

    assert 1 == result.returncode
    line = one_line(result.stderr)
    assert str(folder) in line and ("not writable" in line or "permission denied" in line)
    assert [] == list(folder.iterdir())


@needs_permissions
def test_an_unwritable_home_says_where_to_put_the_database(operator: Path, tmp_path: Path) -> None:
    operator.chmod(0o555)

    result = factbot("ask", "how many soldiers?", env=base_env(operator), cwd=tmp_path)

    assert 1 == result.returncode
    line = one_line(result.stderr)
    assert "permission denied" in line and "FACTBOT_DB" in line and str(operator) in line


def test_a_full_disk_at_first_start_is_explained_and_the_next_start_works(operator: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.db"

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))

    full = factbot("--db", str(db), "ask", "how many soldiers?", env=base_env(operator), cwd=tmp_path, preexec=small_disk)
    again = factbot("--db", str(db), "ask", "how many soldiers?", env=base_env(operator), cwd=tmp_path)

    assert 1 == full.returncode
    assert "disk" in one_line(full.stderr) and str(db) in full.stderr
    assert (0, "") == (again.returncode, again.stderr) and "11,000" in again.stdout


# -- the terminal ---------------------------------------------------------------------


def test_binary_input_under_a_strict_utf8_locale_is_skipped_with_a_line(operator: Path, tmp_path: Path) -> None:
    questions = b"how many soldiers?\n\xff\xfe\x00binary\n\xe5\x8c\x97\xe6\x9c\x9d\xe9\xae\xae\xe5\x85\xb5\xe3\x81\xae\xe6\x90\x8d\xe5\xae\xb3\xe3\x81\xaf\xef\xbc\x9f\n"

    result = factbot("--db", str(tmp_path / "f.db"), "ask", "--json", env=base_env(operator), cwd=tmp_path, stdin=questions)

    assert 1 == result.returncode
    assert "line 2 of the input is not UTF-8 text; skipped" in one_line(result.stderr)
    assert 2 == len(result.stdout.splitlines()), "the good lines are still answered"


def test_ask_into_head_stops_quietly(operator: Path, tmp_path: Path) -> None:
    env = base_env(operator)
    command = f"{sys.executable} -m bot --db {tmp_path / 'f.db'} ask | head -n 1"
    questions = b"how many soldiers did north korea send?\n" * 3000

    result = subprocess.run(["bash", "-c", command], input=questions, capture_output=True, env=env, cwd=tmp_path, timeout=120)

    assert b"about 11,000\n" == result.stdout
    assert b"" == result.stderr, "no BrokenPipeError traceback"


def test_an_unforeseen_failure_is_one_line_without_the_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    monkeypatch.setenv("FACTBOT_TOKEN", token)

    def broken_store(settings: Settings) -> None:
        raise RuntimeError(f"boom near https://api.telegram.org/bot{token}/getMe")

    monkeypatch.setattr("bot.cli.open_store", broken_store)

    code, _, err = run(capsys, "--db", str(tmp_path / "f.db"), "ask", "hi")

    assert 1 == code
    line = one_line(err)
    assert "unexpected RuntimeError: boom near https://api.telegram.org/bot<redacted>/getMe" in line
    assert token not in err


@pytest.mark.parametrize("args, problem", [
    (["--webhook", "bot.example.org/hook"], "is not a URL"),
    (["--webhook", "https://bot.example.org/hook", "--secret-token", "not allowed!"], "--secret-token must be"),
    (["--webhook", "https://bot.example.org/hook", "--port", "70000"], "is not a TCP port"),
    (["--secret-token", "abc"], "--secret-token only applies with --webhook"),
])
def test_bad_webhook_options_are_usage_errors(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], problem: str
) -> None:
    monkeypatch.setenv("FACTBOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    code, _, err = run(capsys, "--db", str(tmp_path / "f.db"), "run", *args)

    assert 2 == code and problem in one_line(err)
    assert not (tmp_path / "f.db").exists()


@pytest.mark.parametrize("failure", [
    sqlite3.OperationalError("database or disk is full"),
    OSError(28, "No space left on device"),
])
def test_a_full_disk_is_named_as_such(failure: BaseException, tmp_path: Path) -> None:
    explained = str(explain_error(failure, str(tmp_path / "facts.db")))

    assert f"no space left on the disk for {tmp_path / 'facts.db'}; free some space and try again" == explained
