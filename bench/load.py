"""Many users asking at once, through a local Bot API server with Telegram's flood limits and faults.

    python bench/load.py [--users 200] [--questions 5] [--no-flood] [--fault-rate 0.05]
                         [--outage 20 --outage-at 5] [--during-import 50000]

Starts the fake Bot API of tests/fake_botapi.py as an HTTP server on
127.0.0.1 (it refuses more than ~30 messages a second overall and more than a
burst of 3, then 1 a second, per chat, with 429 and retry_after), runs the
real bot (`python -m bot run`) against it, and has each user ask their
questions one after another, a short pause after each answer. Prints:

    sent / answered / lost / duplicated / apologies, p50 / p99 / max seconds
    from question to answer, answers per second, 429s and faults served.

`--fault-rate` fails that share of the bot's sends at random (500, 502, 429
or a dropped connection); `--outage S --outage-at T` makes the server answer
everything (getUpdates too) with 502 for S seconds from T seconds in;
`--during-import N` runs `factbot import` of N synthetic facts on the same
database meanwhile and reports the latency of questions asked while the import
held the write lock. Bounded: at most `--max-seconds`, loopback only.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.fake_botapi import BotApiServer, Call, FakeBotApi, FloodLimits  # noqa: E402

TOKEN = "123456:LOAD-token-not-real"
APOLOGIES = ("Sorry, something went wrong", "すみません、問題が発生しました")


@dataclass
class Question:
    user: int
    text: str
    message_id: int
    sent_at: float
    update_id: int = 0
    answers: list[float] = field(default_factory=list)
    apology: bool = False


class LoadRun:
    """Users who each ask their questions in turn, and what came back to each question."""

    def __init__(self, api: FakeBotApi, users: int, per_user: int, questions: list[str], seed: int) -> None:
        self.api = api
        self.rng = random.Random(seed)
        self.questions = questions
        self.per_user = per_user
        self.remaining = {1_000_000 + n: per_user for n in range(users)}
        self.asked: dict[tuple[int, int], Question] = {}
        self.unexpected = 0
        self._due: list[tuple[float, int]] = []
        self._message_ids = iter(range(1, 10**9))
        self._lock = threading.Lock()
        api.listeners.append(self._on_call)

    def start(self, ramp: float) -> None:
        now = time.monotonic()
        with self._lock:
            for user in self.remaining:
                heapq.heappush(self._due, (now + self.rng.uniform(0, ramp), user))

    def done(self) -> bool:
        with self._lock:
            return not self._due and all(question.answers for question in self.asked.values()) and not any(
                self.remaining.values())

    def ask_due(self) -> None:
        """Send every question whose time has come."""
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._due or self._due[0][0] > now:
                    return
                _, user = heapq.heappop(self._due)
                self.remaining[user] -= 1
                message_id = next(self._message_ids)
                text = self.rng.choice(self.questions)
                question = Question(user, text, message_id, time.monotonic())
                self.asked[(user, message_id)] = question
            question.update_id = self.api.queue_update({"message": {
                "message_id": message_id, "date": int(time.time()), "text": text,
                "chat": {"id": user, "type": "private"},
                "from": {"id": user, "is_bot": False, "first_name": "user", "language_code": "ja" if user % 2 else "en"},
            }})

    def _on_call(self, call: Call) -> None:
        if call.method != "sendMessage":
            return
        chat = int(call.params["chat_id"])
        reply_to = (call.params.get("reply_parameters") or {}).get("message_id")
        now = time.monotonic()
        with self._lock:
            question = self.asked.get((chat, int(reply_to))) if reply_to is not None else None
            if question is None:
                self.unexpected += 1
                return
            question.answers.append(now)
            question.apology = question.apology or any(text in call.params.get("text", "") for text in APOLOGIES)
            if len(question.answers) == 1 and self.remaining.get(chat):
                heapq.heappush(self._due, (now + self.rng.uniform(0.5, 1.5), chat))  # reads, then asks again


def run_bot(base_url: str, db: Path, home: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "NO_PROXY": "127.0.0.1,localhost",
        "FACTBOT_TOKEN": TOKEN,
        "FACTBOT_API_BASE_URL": base_url,
        "FACTBOT_DB": str(db),
        "FACTBOT_ADMINS": "1",
        "PYTHONPATH": str(ROOT),
    }
    log = open(home / "bot.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=home, stdout=log, stderr=log)


def bench_questions() -> list[str]:
    """The seed facts' questions and the benchmark's in-domain phrasings: what real users ask."""
    seed = json.loads((ROOT / "facts" / "data" / "seed_facts.json").read_text(encoding="utf-8"))
    questions = [fact["question"] for fact in seed]
    with open(ROOT / "bench" / "questions.jsonl", encoding="utf-8") as lines:
        questions += [json.loads(line)["q"] for line in lines if line.strip()][:200]
    return questions


class LockWatcher(threading.Thread):
    """Notes when another process holds the database's write lock (tries to take it, never waits)."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.held: list[tuple[float, float]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.db, timeout=0, isolation_level=None)
        since = None
        while not self.stopped.is_set():
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
                if since is not None:
                    self.held.append((since, time.monotonic()))
                    since = None
            except sqlite3.OperationalError:
                since = since or time.monotonic()
            time.sleep(0.01)
        if since is not None:
            self.held.append((since, time.monotonic()))
        connection.close()

    def during(self, moment: float) -> bool:
        return any(start <= moment <= end for start, end in self.held)


def start_import(db: Path, count: int, folder: Path, nice: int = 0) -> subprocess.Popen[bytes]:
    from synthetic import synthetic_facts

    from facts.io import write_facts

    path = folder / f"synthetic-{count}.json"
    path.write_text(write_facts(synthetic_facts(count), "json"), encoding="utf-8")
    env = {**os.environ, "FACTBOT_DB": str(db), "PYTHONPATH": str(ROOT), "HOME": str(folder)}
    return subprocess.Popen([sys.executable, "-m", "bot", "import", str(path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=lambda: os.nice(nice))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--questions", type=int, default=5, help="questions per user")
    parser.add_argument("--no-flood", action="store_true", help="do not enforce Telegram's flood limits")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of sends that fail at random")
    parser.add_argument("--outage", type=float, default=0.0, help="seconds the server is down")
    parser.add_argument("--outage-at", type=float, default=5.0, help="seconds after the first question")
    parser.add_argument("--during-import", type=int, default=0, metavar="N", help="import N facts meanwhile")
    parser.add_argument("--import-nice", type=int, default=0, metavar="N",
                        help="run the import at this nice level (separates CPU contention from the lock)")
    parser.add_argument("--ramp", type=float, default=5.0, help="users start within this many seconds")
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    api = FakeBotApi()
    if not args.no_flood:
        api.flood = FloodLimits(per_second=30, per_chat_per_second=1, chat_burst=3)
    if args.fault_rate:
        api.random_faults(args.fault_rate, seed=args.seed)
    with tempfile.TemporaryDirectory() as folder_name, BotApiServer(api, TOKEN) as server:
        folder = Path(folder_name)
        db = folder / "facts.db"
        bot = run_bot(server.base_url, db, folder)
        importer = watcher = None
        try:
            deadline = time.monotonic() + 60
            while not api.sent("setMyCommands") and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)  # the first getUpdates is on its way
            run = LoadRun(api, args.users, args.questions, bench_questions(), args.seed)
            if args.during_import:
                watcher = LockWatcher(db)
                importer = start_import(db, args.during_import, folder, args.import_nice)
                watcher.start()
            run.start(args.ramp)
            started = time.monotonic()
            outage_started = False
            while not run.done() and time.monotonic() - started < args.max_seconds:
                if args.outage and not outage_started and time.monotonic() - started >= args.outage_at:
                    api.outage(args.outage, polling=True)
                    outage_started = True
                run.ask_due()
                time.sleep(0.002)
            elapsed = time.monotonic() - started
            time.sleep(1.0)  # let late duplicates show
        finally:
            bot.send_signal(signal.SIGINT)
            try:
                bot.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
            if importer is not None:
                importer.wait(timeout=600)
            if watcher is not None:
                watcher.stopped.set()
                watcher.join()

        report(run, api, elapsed, watcher, importer)
    return 0


def report(run: LoadRun, api: FakeBotApi, elapsed: float, watcher: LockWatcher | None,
           importer: subprocess.Popen[bytes] | None) -> None:
    questions = list(run.asked.values())
    answered = [q for q in questions if q.answers]
    latencies = [q.answers[0] - q.sent_at for q in answered]
    print(f"sent {len(questions)}  answered {len(answered)}  lost {len(questions) - len(answered)}  "
          f"duplicated {sum(len(q.answers) > 1 for q in questions)}  apologies {sum(q.apology for q in questions)}  "
          f"unexpected messages {run.unexpected}")
    print(f"question → answer: p50 {percentile(latencies, 0.5) * 1000:.0f} ms  "
          f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms  max {max(latencies, default=0) * 1000:.0f} ms")
    in_bot = [q.answers[0] - api.fetched[q.update_id] for q in answered if q.update_id in api.fetched]
    print(f"  of which in the bot (getUpdates → sendMessage): p50 {percentile(in_bot, 0.5) * 1000:.0f} ms  "
          f"p99 {percentile(in_bot, 0.99) * 1000:.0f} ms")
    last = max((q.answers[0] for q in answered), default=0.0)
    first = min((q.sent_at for q in questions), default=0.0)
    print(f"answers per second {len(answered) / max(last - first, 1e-9):.1f} over {last - first:.1f} s "
          f"(run {elapsed:.1f} s); failures injected {api.injected} (429s, 5xx, drops, outage)")
    if watcher is not None:
        during = [q.answers[0] - q.sent_at for q in answered if watcher.during(q.sent_at)]
        during_in_bot = [q.answers[0] - api.fetched[q.update_id] for q in answered
                         if watcher.during(q.sent_at) and q.update_id in api.fetched]
        held = sum(end - start for start, end in watcher.held)
        print(f"while the import held the write lock ({held:.1f} s): {len(during)} questions, "
              f"p50 {percentile(during, 0.5) * 1000:.0f} ms  p99 {percentile(during, 0.99) * 1000:.0f} ms  "
              f"max {max(during, default=0) * 1000:.0f} ms; import exit code {importer.returncode if importer else '?'}")
        print(f"  of which in the bot: p50 {percentile(during_in_bot, 0.5) * 1000:.0f} ms  "
              f"p99 {percentile(during_in_bot, 0.99) * 1000:.0f} ms")
        if statistics and not during:
            print("  (no question was asked while the lock was held: raise --users or --questions)")


if __name__ == "__main__":
    raise SystemExit(main())
