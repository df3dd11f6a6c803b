"""Send thousands of hostile random updates through the real application and count what went wrong.

    python bench/fuzz.py [--updates 2000] [--seeds 1 2 3]

Offline (PTB's request layer answered in-process by tests/fake_botapi.py). For
each seed it prints the updates sent, seconds, unhandled exceptions, Bot API
calls Telegram would refuse because of the bot's own output, changes made while
only non-admins were sending, and button presses left unanswered; the targets
are all 0. The test suite runs the same with 400 updates.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # refusals of non-admins are logged as warnings: too many here
    failed = False
    print("seed  updates  seconds  unhandled  refused_output  changed_by_non_admins  unanswered_presses")
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as folder:
            report = asyncio.run(fuzz(Path(folder) / "facts.db", args.updates, seed))
        print(f"{seed:>4}  {report.updates:>7}  {report.seconds:>7.1f}  {len(report.unhandled):>9}  "
              f"{len(report.refused_output):>14}  {len(report.changed_by_non_admins):>21}  "
              f"{report.unanswered_presses:>18}")
        for problem in report.unhandled + report.refused_output + report.changed_by_non_admins:
            print("      ", problem[:300])
            failed = True
        failed = failed or report.unanswered_presses > 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
