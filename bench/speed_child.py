"""One measurement of the speed bench, alone in a fresh process (bench/speed.py starts it).

    python bench/speed_child.py build   tantivy|bm25s FACTS.json INDEX_DIR
    python bench/speed_child.py cold    tantivy|bm25s INDEX_DIR QUESTION
    python bench/speed_child.py latency factbot|tantivy|bm25s DB_OR_INDEX_DIR QUESTIONS.txt

`build` and `cold` are timed from outside (process start to exit), like
`factbot import` and `factbot ask`. `latency` opens the system, answers the
first question untimed (that one belongs to the cold start), times each later
one in-process, and prints one JSON object: p50/p99 in ms, the process's RSS
now and at its peak, and how many questions got an answer.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

from speed_systems import PEERS, Ask, factbot_answerer


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least `share` of all samples at or below it."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def memory_mb() -> dict[str, float]:
    """This process's resident memory now (VmRSS) and at its peak (VmHWM), in MB (Linux /proc)."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) / 1024
    return {"rss_mb": found.get("VmRSS", float("nan")), "hwm_mb": found.get("VmHWM", float("nan"))}


def latency(ask: Ask, questions: list[str]) -> dict[str, float]:
    """Time `ask` on each question after the first; a None answer counts as unanswered."""
    ask(questions[0])
    seconds, answered = [], 0
    for question in questions[1:]:
        started = time.perf_counter()
        result = ask(question)
        seconds.append(time.perf_counter() - started)
        answered += result is not None
    return {
        "p50_ms": percentile(seconds, 0.50) * 1000,
        "p99_ms": percentile(seconds, 0.99) * 1000,
        "timed": len(seconds),
        "answered": answered,
        **memory_mb(),
    }


def main(argv: list[str]) -> int:
    action, system, *paths = argv
    if action == "build":
        print(PEERS[system][0](Path(paths[0]), Path(paths[1])))
    elif action == "cold":
        print(PEERS[system][1](Path(paths[0]))(paths[1]))
    elif action == "latency":
        questions = [line for line in Path(paths[1]).read_text(encoding="utf-8").splitlines() if line.strip()]
        if system == "factbot":
            with factbot_answerer(Path(paths[0])) as ask:
                result = latency(ask, questions)
        else:
            result = latency(PEERS[system][1](Path(paths[0])), questions)
        print(json.dumps(result))
    else:
        raise SystemExit(f"unknown action {action!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
