"""The `factbot` command: run the bot, ask from the terminal, import, export, back up and check.

Every failure a user can cause or fix is one line on stderr with the cause and a
hint, never a traceback. Exit codes: 0 done, 1 a problem with the data or the
database file, 2 a problem with the command line or the configuration.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import secrets
import signal
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import ValidationError
from bot.services import build_matcher, open_store
from bot.config import SECRET_TOKEN_RULE, Settings, is_secret_token
from bot.logs import SecretFilter, setup_logging
from facts.answers import Answer, answer_question
from facts.lang import preferred_lang
from facts.render import answer_text
from facts.store import BadDatabasePath, DatabaseFailure, FactStore, StoreError, explain_error

# What only other commands use (files, stats, reports) is imported by those commands: `ask` starts faster.
if TYPE_CHECKING:
    import asyncio

    from bot.serve import Webhook
    from facts.model import Fact
    from facts.unanswered import Entry

EXIT_DATA = 1
EXIT_USAGE = 2

log = logging.getLogger("factbot")


class CliError(Exception):
    """A problem the user can fix; printed as one line, never as a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `factbot` console script and `python -m bot`."""
    parser = _parser()
    args = parser.parse_args(argv)
    redact = SecretFilter([os.environ.get("FACTBOT_TOKEN", ""), os.environ.get("FACTBOT_WEBHOOK_SECRET", "")])
    db: object = args.db
    try:
        settings = _settings(args)
        db = settings.db
        redact = SecretFilter(_secrets(settings))
        return args.command(args, settings)
    except CliError as error:
        return _fail(redact.redact(str(error)), error.exit_code)
    except BadDatabasePath as error:
        return _fail(str(error), EXIT_USAGE)
    except StoreError as error:
        return _fail(str(error), EXIT_DATA)
    except DatabaseFailure as error:
        return _fail(str(explain_error(error, str(db))), EXIT_DATA)
    except BrokenPipeError:
        # `factbot ask … | head`: the reader has gone; stop quietly, and keep
        # Python from failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_DATA
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug or an unforeseen failure: still one line, and never a secret
        if "DEBUG" in (os.environ.get("FACTBOT_LOG_LEVEL", "").upper(), getattr(args, "log_level", None)):
            print(redact.redact(traceback.format_exc()), file=sys.stderr, end="")
        return _fail(
            redact.redact(f"unexpected {type(error).__name__}: {error}")
            + " (FACTBOT_LOG_LEVEL=DEBUG shows the traceback; please report it)",
            EXIT_DATA,
        )


def _fail(message: str, exit_code: int) -> int:
    print(f"factbot: error: {message}", file=sys.stderr)
    return exit_code


def _secrets(settings: Settings) -> list[str]:
    found = [settings.token, settings.webhook_secret]
    return [secret.get_secret_value() for secret in found if secret is not None]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factbot", description="A Telegram bot that answers with sourced facts.")
    parser.add_argument("--db", help="the fact database (overrides FACTBOT_DB)")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the Telegram bot (long polling, or a webhook with --webhook)")
    run.add_argument("--webhook", metavar="URL", help="the public https URL Telegram posts updates to")
    run.add_argument("--listen", default="127.0.0.1", metavar="ADDR",
                     help="where the webhook server listens (default 127.0.0.1, behind a reverse proxy)")
    run.add_argument("--port", type=int, default=8443, metavar="N", help="the webhook server's port (default 8443)")
    run.add_argument("--secret-token", metavar="S",
                     help="the secret Telegram sends with each webhook request (better: FACTBOT_WEBHOOK_SECRET); "
                          "without one a random secret is used for this run")
    run.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="overrides FACTBOT_LOG_LEVEL (default INFO)")
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

    backup = commands.add_parser("backup", help="copy the database consistently, even while the bot runs")
    backup.add_argument("file", help="the copy to write (a folder: a time-stamped file in it)")
    backup.set_defaults(command=backup_database)

    check = commands.add_parser("check", help="check the database's integrity and count what it holds")
    check.set_defaults(command=check_database)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        raise CliError("bad configuration: " + "; ".join(_config_errors(error))) from None
    if args.db is not None:
        settings = settings.model_copy(update={"db": Path(args.db) if args.db.strip() else ""})
    return settings


def _config_errors(error: ValidationError) -> Iterator[str]:
    """`FACTBOT_ADMINS: '42x' is not a Telegram user id …`: named as the user set it."""
    for item in error.errors():
        name = "FACTBOT_" + "_".join(str(part) for part in item["loc"]).upper()
        yield f"{name}: {item['msg'].removeprefix('Value error, ')}"


def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    """Serve Telegram (long polling, or a webhook) until SIGINT or SIGTERM."""
    if settings.token is None or not settings.token.get_secret_value().strip():
        raise CliError("FACTBOT_TOKEN is not set; get a bot token from @BotFather and export FACTBOT_TOKEN=…")
    webhook = _webhook(args, settings)
    extra_secrets = [webhook.secret_token] if webhook and webhook.secret_token else []
    setup_logging(args.log_level or settings.log_level, _secrets(settings) + extra_secrets)
    if not settings.admins:
        log.warning("FACTBOT_ADMINS is empty: nobody can curate facts from Telegram")
    if webhook is not None and args.secret_token is None and settings.webhook_secret is None:
        log.info("no webhook secret given (FACTBOT_WEBHOOK_SECRET); using a random one for this run")
    import asyncio

    from bot.app import build_application  # Telegram is imported only to run the bot: `ask` starts fast
    from bot.serve import serve

    store = open_store(settings)
    app = build_application(settings, store)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        if not _connect(loop, app, settings):
            return 0
        log.info("factbot running with %d facts from %s", store.count(), settings.db)
        serve(app, webhook)
    finally:
        if not loop.is_closed():
            loop.close()
        store.close()
    return 0


def _connect(loop: asyncio.AbstractEventLoop, app: object, settings: Settings) -> bool:
    """Reach Telegram, waiting while it is unreachable; False when stopped by a signal first."""
    import asyncio

    from telegram.error import InvalidToken, TelegramError

    from bot.serve import connect

    task = loop.create_task(connect(app, settings.api_base_url))  # type: ignore[arg-type]
    for stop in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop, task.cancel)
    try:
        loop.run_until_complete(task)
    except asyncio.CancelledError:
        log.info("stopped before Telegram was reached")
        return False
    except InvalidToken:
        raise CliError(
            f"Telegram ({urlsplit(settings.api_base_url).netloc}) refused the bot token; check FACTBOT_TOKEN "
            "with @BotFather, and FACTBOT_API_BASE_URL if you changed it"
        ) from None
    except TelegramError as error:
        raise CliError(f"Telegram refused to start the bot: {error}") from None
    finally:
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(stop)
    return True


def _webhook(args: argparse.Namespace, settings: Settings) -> Webhook | None:
    """The webhook from the options, checked; None for long polling."""
    from bot.serve import Webhook

    if args.webhook is None:
        if args.secret_token:
            raise CliError("--secret-token only applies with --webhook URL")
        return None
    parts = urlsplit(args.webhook)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise CliError(f"--webhook {args.webhook!r} is not a URL; give the public https URL Telegram should post to")
    if not 0 < args.port < 65536:
        raise CliError(f"--port {args.port} is not a TCP port (1-65535)")
    secret = args.secret_token
    if secret is not None:
        if not is_secret_token(secret):
            raise CliError(f"--secret-token must be {SECRET_TOKEN_RULE}")
    elif settings.webhook_secret is not None:
        secret = settings.webhook_secret.get_secret_value()
    else:
        secret = secrets.token_urlsafe(32)
    return Webhook(url=args.webhook, listen=args.listen, port=args.port, secret_token=secret)


def ask_questions(args: argparse.Namespace, settings: Settings) -> int:
    """Answer the question(s) the way the bot would, as text or JSON lines."""
    if args.question and not " ".join(args.question).strip():
        raise CliError("the question is empty; ask one, e.g. factbot ask \"how many soldiers?\"")
    skipped: list[int] = []
    questions: Iterable[str] = [" ".join(args.question)] if args.question else _stdin_lines(skipped)
    with _opened(settings) as store:
        matcher = build_matcher(store)
        for question in questions:
            store.sync()  # a long-running `ask` on stdin sees what the bot or another process changed meanwhile
            answer = answer_question(question, matcher, preferred_lang(question, None))
            if args.json:
                print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
            else:
                print(answer_text(answer), end="\n\n" if not args.question else "\n", flush=True)
    return EXIT_DATA if skipped else 0


@contextmanager
def _opened(settings: Settings) -> Iterator[FactStore]:
    """The store, seeded when new, closed again afterwards (so its -wal is folded back in)."""
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


def _stdin_lines(skipped: list[int]) -> Iterable[str]:
    """Non-blank lines of stdin, read as UTF-8 whatever the locale says.

    A line that is not UTF-8 is reported (one line on stderr) and skipped, and
    its number goes into `skipped`.
    """
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    for number, raw in enumerate(stdin, start=1):
        try:
            line = raw if isinstance(raw, str) else raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            print(f"factbot: error: line {number} of the input is not UTF-8 text; skipped", file=sys.stderr)
            skipped.append(number)
            continue
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
    from facts.questions_log import QuestionsLog
    from facts.unanswered import closest_facts, open_entries

    with _opened(settings) as store:
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
    from facts.questions_log import QuestionsLog, utc_now
    from facts.stats import compute_stats, summary_lines, window_start

    today = utc_now().date()
    with _opened(settings) as store:
        QuestionsLog(store, settings.keep_questions_days)  # prunes what is past its time first
        facts = {fact.id: fact for fact in store.all() if fact.id is not None}
        stats = compute_stats(store.questions_since(window_start(today)), facts, today)
    if args.png is not None:
        from facts.chart import stats_png  # matplotlib: loaded only when a chart is drawn

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
    from facts.io import (
        SYNONYMS_SUFFIX,
        FactFile,
        FactFileError,
        format_from_name,
        guess_format,
        read_fact_file,
        synonyms_csv_path,
    )

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
    with _opened(settings) as store:
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
    from facts.io import format_from_name, synonyms_csv_path, write_fact_file, write_synonyms_csv

    path = None if args.file == "-" else Path(args.file)
    file_format = "json" if path is None else format_from_name(path.name)
    if file_format is None:
        raise CliError(f"cannot tell the format from the name {path.name!r}: end it in .json or .csv (or use - for JSON)")
    targets = [] if path is None else [path, *([synonyms_csv_path(path)] if file_format == "csv" else [])]
    existing = [target for target in targets if target.exists()]
    if existing and not args.force:
        raise CliError(f"{existing[0]} already exists; add --force to overwrite it")
    with _opened(settings) as store:
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
            raise CliError(f"cannot write {target}: {error.strerror}", EXIT_DATA) from None
    where = f"{path} and {len(synonyms)} synonym groups to {written[1][0]}" if file_format == "csv" else str(path)
    suffix = "" if file_format == "csv" else f" and {len(synonyms)} synonym groups"
    print(f"exported {len(facts)} facts{suffix} to {where}")
    return 0


def backup_database(args: argparse.Namespace, settings: Settings) -> int:
    """Copy the database through SQLite's backup API: consistent while the bot writes."""
    store = FactStore(settings.db, create=False)
    try:
        target = store.backup(args.file)
        print(f"backed up {store.count()} facts from {settings.db} to {target}")
    finally:
        store.close()
    return 0


def check_database(args: argparse.Namespace, settings: Settings) -> int:
    """SQLite's integrity check and the counts an operator wants to see; exit 1 when not ok."""
    store = FactStore(settings.db, create=False)
    try:
        report = store.check()
    finally:
        store.close()
    if report["problems"]:
        print(f"{settings.db}: integrity NOT ok", file=sys.stderr)
        for problem in report["problems"][:20]:
            print(f"  {problem}", file=sys.stderr)
        print("restore the latest backup (factbot backup makes them); see README, Running in production",
              file=sys.stderr)
        return EXIT_DATA
    print(f"{settings.db}: integrity ok")
    print(f"facts: {report['facts']} live, {report['deleted']} deleted")
    print(f"synonym groups: {report['synonyms']}")
    print(f"audit rows: {report['audit']}")
    print(f"feedback reports: {report['feedback']}")
    return 0
