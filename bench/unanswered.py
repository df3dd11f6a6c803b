"""How long does grouping the open reports for /unanswered take as they pile up?

    python bench/unanswered.py [--sizes 1000,20000]

Makes that many distinct made-up questions (seeded, so every run is the same),
groups them as /unanswered does, and prints the time and the number of entries.
The bot caches the grouping until the reports change, so this is paid once per change.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facts.store import Asked  # noqa: E402
from facts.unanswered import group_reports  # noqa: E402

_WORDS = (
    "how many what why when where who soldiers troops drones ships tanks region capital river price "
    "oil gas bread army navy leader aid trade sanctions weather team cup election treaty border"
).split()


def reports(count: int, seed: int = 1) -> list[Asked]:
    rng = random.Random(seed)
    at = datetime(2026, 11, 25, tzinfo=UTC)
    return [
        Asked(f"q{n + 1}", at, " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 9))) + "?", None, f"u{n % 97}")
        for n in range(count)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,20000")
    args = parser.parse_args(argv)
    print(f"{'reports':>8} {'entries':>8} {'seconds':>8}")
    for size in (int(part) for part in args.sizes.split(",")):
        made = reports(size)
        start = time.perf_counter()
        entries = group_reports(made)
        print(f"{size:>8,} {len(entries):>8,} {time.perf_counter() - start:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
