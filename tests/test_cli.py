"""The `factbot` command answers from the terminal and moves fact files in and out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_answers_with_figure_and_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(tmp_path / "f.db"), "ask", "how many soldiers?")

    assert 0 == code
    assert "11,000" in out and "https://www.bbc.com/japanese/articles/cvgpjeekzywo" in out


def test_ask_in_japanese_answers_in_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(tmp_path / "f.db"), "ask", "北朝鮮はなぜロシアを支持しているの？")

    assert 0 == code
    assert "反米" in out and "https://instituteofgeoeconomics.org/" in out


def test_ask_without_a_sourced_fact_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(tmp_path / "f.db"), "ask", "what's the weather in Tokyo?")

    assert 0 == code
    assert out.startswith("Sorry, I don't have a sourced fact for that")
    assert "http" not in out


def test_ask_json_prints_one_object_per_question(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("how many soldiers?\n\nwhat's the weather in Tokyo?\n"))

    code, out, _ = run(capsys, "--db", str(tmp_path / "f.db"), "ask", "--json")

    answered, unknown = [json.loads(line) for line in out.splitlines()]
    assert 0 == code
    assert "how many soldiers?" == answered["question"]
    assert {"score", "fact"} == set(answered["match"])
    assert {
        "id", "key", "question", "aliases", "answer", "figure", "source_url", "source_title", "published",
        "lang", "tags", "created_at", "updated_at", "created_by",
    } == set(answered["match"]["fact"])
    assert isinstance(answered["match"]["score"], float)
    assert None is unknown["match"]
    assert 1 <= len(unknown["suggestions"]) <= 3 and all(isinstance(q, str) for q in unknown["suggestions"])


def test_export_then_import_into_a_new_database_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both databases are seeded at open; with a clock that moves, a second boundary
    # between the two seeds gives their unchanged facts different timestamps.
    import facts.store

    frozen = facts.store._now()
    monkeypatch.setattr(facts.store, "_now", lambda: frozen)
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    for suffix in ("json", "csv"):
        exported, again = tmp_path / f"out.{suffix}", tmp_path / f"again.{suffix}"
        assert 0 == run(capsys, "--db", first, "export", str(exported))[0]
        code, out, _ = run(capsys, "--db", second, "import", "--replace", str(exported))
        assert 0 == code and "imported" in out
        run(capsys, "--db", second, "export", str(again))
        assert exported.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")


def test_import_of_a_bad_file_changes_nothing_and_lists_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "f.db")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"question": "q", "answer": "a", "source_url": "nope", "source_title": "t"}]))
    run(capsys, "--db", db, "export", str(tmp_path / "before.json"))

    code, _, err = run(capsys, "--db", db, "import", str(bad))

    assert 1 == code
    assert "row 1: source_url: must be an http" in err
    run(capsys, "--db", db, "export", str(tmp_path / "after.json"))
    assert (tmp_path / "before.json").read_text() == (tmp_path / "after.json").read_text()


def test_run_without_token_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FACTBOT_DB": str(tmp_path / "f.db")}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )

    assert 2 == result.returncode
    assert 1 == len(result.stderr.strip().splitlines())
    assert "FACTBOT_TOKEN is not set" in result.stderr


def test_import_of_a_json_nesting_bomb_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "bomb.json"
    bomb.write_bytes(b"[" * 200_000 + b"]" * 200_000)

    code, out, err = run(capsys, "--db", str(tmp_path / "f.db"), "import", str(bomb))

    assert 1 == code and "" == out
    assert "JSON nested too deeply (more than 20 levels)" in err and "Traceback" not in err
