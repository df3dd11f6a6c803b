"""How fast does the bot answer, and what does its index cost, as the fact table grows?

    python bench/speed.py [--sizes 1000,10000,100000] [--questions 300] [--peer-questions 30]

For each size, in a fresh process (so memory is measured alone): generate
synthetic facts (bench/synthetic.py: realistic questions, four aliases each,
English and Japanese), build the matcher, and time answering questions the way
people type them (typos included, a quarter about nothing known). The plain
rapidfuzz `extractOne` (WRatio over every question and alias) peer answers the
same questions over the same facts. Prints p50/p99 latency per question, index
build time, resident memory, and the peer's figures as ratios to ours.

From 5,000 facts the index is built on every core this process may use (as the
bot does at startup), so the build time depends on the core count printed first.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(size: int, question_count: int, system: str) -> dict[str, float]:
    """Build one system over `size` synthetic facts and time its answers (run in a child process)."""
    from synthetic import questions_for, synthetic_facts

    facts = synthetic_facts(size)
    asked = questions_for(facts, question_count)
    baseline = _rss_mb()
    started = time.perf_counter()
    if system == "factbot":
        from facts.answers import answer_question
        from facts.matcher import Matcher

        matcher = Matcher(facts)

        def answer(text: str, lang: str) -> object:
            return answer_question(text, matcher, lang)  # type: ignore[arg-type]

    else:
        from rapidfuzz import fuzz, process, utils

        texts = [text for fact in facts for text in fact.texts()]

        def answer(text: str, lang: str) -> object:
            return process.extractOne(text, texts, scorer=fuzz.WRatio, processor=utils.default_process)

    build = time.perf_counter() - started
    latencies = []
    for text, lang in asked:
        started = time.perf_counter()
        answer(text, lang)
        latencies.append(time.perf_counter() - started)
    return {
        "build_s": build,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "rss_mb": _rss_mb(),
        "index_mb": _rss_mb() - baseline,
    }


def _in_child(size: int, questions: int, system: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", system, "--sizes", str(size), "--questions", str(questions)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ}).stdout
    return json.loads(output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--peer-questions", type=int, default=30, help="the peer is slow; fewer questions for it")
    parser.add_argument("--child", choices=["factbot", "extractOne"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    if args.child:
        print(json.dumps(measure(sizes[0], args.questions, args.child)))
        return 0

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{cores} cores; RSS is the whole process, the synthetic facts included; index MB is what building and answering added")
    print(f"{'facts':>8} {'system':<11} {'build s':>8} {'p50 ms':>8} {'p99 ms':>8} {'RSS MB':>8} {'index MB':>9}")
    for size in sizes:
        ours = _in_child(size, args.questions, "factbot")
        peer = _in_child(size, args.peer_questions, "extractOne")
        for name, row in (("factbot", ours), ("extractOne", peer)):
            print(
                f"{size:>8,} {name:<11} {row['build_s']:>8.2f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
                f"{row['rss_mb']:>8.0f} {row['index_mb']:>9.0f}"
            )
        print(
            f"{'':>8} {'peer/ours':<11} {'':>8} {peer['p50_ms'] / ours['p50_ms']:>7.1f}x "
            f"{peer['p99_ms'] / ours['p99_ms']:>7.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
