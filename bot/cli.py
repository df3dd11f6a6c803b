"""The `factbot` command: run the bot, ask from the terminal, import and export facts."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.app import build_application, build_matcher, open_store
from bot.config import Settings
from facts.answers import Answer, answer_question
from facts.io import (
    SYNONYMS_SUFFIX,
    FactFile,
    FactFileError,
    format_from_name,
    guess_format,
    read_fact_file,
    synonyms_csv_path,
    write_fact_file,
    write_synonyms_csv,
)
from facts.lang import preferred_lang
from facts.model import Fact, describe_errors
from facts.chart import stats_png
from facts.questions_log import QuestionsLog, utc_now
from facts.stats import compute_stats, summary_lines, window_start
from facts.render import answer_text
from facts.unanswered import Entry, closest_facts, open_entries


class CliError(Exception):
    """A problem the user can fix; printed as one line, never as a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `factbot` console script and `python -m bot`."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
        return args.command(args, settings)
    except CliError as error:
        print(f"factbot: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factbot", description="A Telegram bot that answers with sourced facts.")
    parser.add_argument("--db", type=Path, help="the fact database (overrides FACTBOT_DB)")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the Telegram bot (long polling)")
    run.set_defaults(command=run_bot)

    ask = commands.add_parser("ask", help="answer questions from the local facts, without Telegram")
    ask.add_argument("question", nargs="*", help="the question; without it, one question per line from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.set_defaults(command=ask_questions)

    import_ = commands.add_parser(
        "import", help="import facts and synonyms from a JSON or CSV file (all or nothing; NAME.csv brings "
        "NAME.synonyms.csv along if it is there)"
    )
    import_.add_argument("file", type=Path)
    import_.add_argument(
        "--replace", action="store_true", help="make the table exactly the file's facts (and synonyms, if it has them)"
    )
    import_.set_defaults(command=import_file)

    unanswered = commands.add_parser("unanswered", help="questions the bot could not answer, most asked first")
    unanswered.add_argument("--json", action="store_true", help="print the entries as one JSON list")
    unanswered.set_defaults(command=list_unanswered)

    stats = commands.add_parser("stats", help="the last 30 days of questions, as text and optionally a PNG chart")
    stats.add_argument("--png", type=Path, metavar="FILE", help="also draw the chart into FILE")
    stats.set_defaults(command=print_stats)

    export = commands.add_parser(
        "export", help="export all facts and synonyms to a JSON file, or a CSV file plus NAME.synonyms.csv "
        "('-' for JSON on stdout)"
    )
    export.add_argument("file", help="*.json or *.csv, or - to print JSON")
    export.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    export.set_defaults(command=export_file)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        raise CliError("bad configuration: " + "; ".join(describe_errors(error))) from None
    if args.db is not None:
        settings = settings.model_copy(update={"db": args.db})
    return settings


def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    """Long-poll Telegram until interrupted."""
    if settings.token is None or not settings.token.get_secret_value().strip():
        raise CliError("FACTBOT_TOKEN is not set; get a bot token from @BotFather and export FACTBOT_TOKEN=…")
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    # httpx logs every request URL, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = build_application(settings)
    logging.getLogger("factbot").info("factbot running with %d facts from %s", app.bot_data["store"].count(), settings.db)
    app.run_polling(allowed_updates=["message", "edited_message", "callback_query", "inline_query"])
    return 0


def ask_questions(args: argparse.Namespace, settings: Settings) -> int:
    """Answer the question(s) the way the bot would, as text or JSON lines."""
    if args.question and not " ".join(args.question).strip():
        raise CliError("the question is empty; ask one, e.g. factbot ask \"how many soldiers?\"")
    store = open_store(settings)
    matcher = build_matcher(store)
    questions: Iterable[str] = [" ".join(args.question)] if args.question else _stdin_lines()
    for question in questions:
        store.sync()  # a long-running `ask` on stdin sees what the bot or another process changed meanwhile
        answer = answer_question(question, matcher, preferred_lang(question, None))
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            print(answer_text(answer), end="\n\n" if not args.question else "\n", flush=True)
    return 0


def _stdin_lines() -> Iterable[str]:
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\r\n")


NO_MATCH_REASONS = {"unknown": "no_match", "too_long": "too_long", "greeting": "small_talk", "thanks": "small_talk"}
"""Why `ask --json` has no match, by the kind of answer: scripts can tell a miss from small talk."""


def answer_json(answer: Answer) -> dict[str, object]:
    """The `ask --json` shape: question, match (score and every fact field) or null with the reason, suggestions."""
    match = None
    if answer.kind == "fact" and answer.fact is not None:
        match = {"score": answer.score, "fact": answer.fact.model_dump(mode="json")}
    return {
        "question": answer.question,
        "match": match,
        "reason": None if match else NO_MATCH_REASONS[answer.kind],
        "suggestions": [fact.question for fact in answer.suggestions],
    }


def list_unanswered(args: argparse.Namespace, settings: Settings) -> int:
    """Print the /unanswered entries: count, people, newest, question and the closest facts."""
    store = open_store(settings)
    QuestionsLog(store, settings.keep_questions_days)  # prunes what is past its time first
    matcher = build_matcher(store)
    entries = [(entry, closest_facts(entry, matcher)) for entry in open_entries(store)]
    if args.json:
        print(json.dumps([unanswered_json(entry, closest) for entry, closest in entries], ensure_ascii=False, indent=1))
        return 0
    if not entries:
        print("no unanswered questions" if settings.keep_questions_days else "no question texts are kept")
    for entry, closest in entries:
        reports = f", {entry.reports} 'not what I asked'" if entry.reports else ""
        ids = ", ".join(f"#{fact.id}" for fact in closest) or "none"
        print(
            f"{entry.count}× ({entry.people} people{reports}), last {entry.newest:%Y-%m-%d %H:%M}: "
            f"{entry.question}  [closest: {ids}]"
        )
    return 0


def unanswered_json(entry: Entry, closest: list[Fact]) -> dict[str, object]:
    """One `unanswered --json` entry."""
    return {
        "question": entry.question,
        "count": entry.count,
        "people": entry.people,
        "not_what_i_asked": entry.reports,
        "newest": entry.newest.isoformat(),
        "closest": [{"id": fact.id, "question": fact.question} for fact in closest],
    }


def print_stats(args: argparse.Namespace, settings: Settings) -> int:
    """Print what /stats says, and with --png write its chart."""
    store = open_store(settings)
    QuestionsLog(store, settings.keep_questions_days)
    today = utc_now().date()
    facts = {fact.id: fact for fact in store.all() if fact.id is not None}
    stats = compute_stats(store.questions_since(window_start(today)), facts, today)
    if args.png is not None:
        try:
            args.png.write_bytes(stats_png(stats, "en"))
        except OSError as error:
            raise CliError(f"cannot write {args.png}: {error.strerror}") from None
    print("\n".join(summary_lines(stats, "en")))
    if args.png is not None:
        print(f"chart written to {args.png}")
    return 0


def import_file(args: argparse.Namespace, settings: Settings) -> int:
    """Import a JSON or CSV file (with its synonyms CSV beside it): every row valid, or nothing changes."""
    paths = [args.file]
    sidecar = synonyms_csv_path(args.file)
    if format_from_name(args.file.name) == "csv" and not args.file.name.lower().endswith(SYNONYMS_SUFFIX):
        if sidecar.exists():
            paths.append(sidecar)
    files = []
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CliError(f"cannot read {path}: {error.strerror}") from None
        try:
            files.append(read_fact_file(content, guess_format(path.name, content)))
        except FactFileError as error:
            print(f"factbot: {path} was not imported, nothing changed:", file=sys.stderr)
            for problem in error.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
    whole = FactFile(
        next((file.facts for file in files if file.facts is not None), None),
        next((file.synonyms for file in reversed(files) if file.synonyms is not None), None),
    )
    store = open_store(settings)
    report = store.import_facts(
        whole.facts, actor=f"cli:{getpass.getuser()}", replace=args.replace, synonyms=whole.synonyms
    )
    counts = []
    if report.facts:
        counts.append(
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, {report.removed} removed"
        )
    if report.synonyms:
        counts.append(
            f"synonym groups: {report.synonyms_added} added, {report.synonyms_updated} merged, "
            f"{report.synonyms_unchanged} unchanged, {report.synonyms_removed} removed"
        )
    print(f"imported {' and '.join(map(str, paths))}: {'; '.join(counts)}")
    return 0


def export_file(args: argparse.Namespace, settings: Settings) -> int:
    """Write every live fact and synonym group to file(s) that `factbot import` accepts unchanged."""
    path = None if args.file == "-" else Path(args.file)
    file_format = "json" if path is None else format_from_name(path.name)
    if file_format is None:
        raise CliError(f"cannot tell the format from the name {path.name!r}: end it in .json or .csv (or use - for JSON)")
    targets = [] if path is None else [path, *([synonyms_csv_path(path)] if file_format == "csv" else [])]
    existing = [target for target in targets if target.exists()]
    if existing and not args.force:
        raise CliError(f"{existing[0]} already exists; add --force to overwrite it")
    store = open_store(settings)
    facts, synonyms = store.all(), [group.terms for group in store.synonym_groups()]
    if path is None:
        sys.stdout.write(write_fact_file(facts, synonyms, "json"))
        return 0
    written = [(path, write_fact_file(facts, synonyms, file_format))]
    if file_format == "csv":
        written.append((targets[1], write_synonyms_csv(synonyms)))
    for target, text in written:
        try:
            target.write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise CliError(f"cannot write {target}: {error.strerror}") from None
    where = f"{path} and {len(synonyms)} synonym groups to {written[1][0]}" if file_format == "csv" else str(path)
    suffix = "" if file_format == "csv" else f" and {len(synonyms)} synonym groups"
    print(f"exported {len(facts)} facts{suffix} to {where}")
    return 0
