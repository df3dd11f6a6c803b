"""How long does the bot take to answer an inline query (`@bot how many soldiers`)?

    python bench/inline.py [--facts 0,10000] [--queries 200]

Runs real inline-query updates through the real application (handler, matcher,
result cards, PTB's serialisation) with the Bot API answered in-process, so
the time is the bot's own, without the network. `--facts 0` is the bundled
seed table; a larger number adds that many synthetic facts (bench/synthetic.py).
Prints p50/p99 per query and whether "how many soldiers" puts the 11,000 fact first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from telegram import Update  # noqa: E402

from bot.app import build_application, open_store  # noqa: E402
from bot.config import Settings  # noqa: E402
from synthetic import questions_for, synthetic_facts  # noqa: E402
from tests.fake_botapi import FakeBotApi, OfflineRequest  # noqa: E402

USER = {"id": 2002, "is_bot": False, "first_name": "bench", "language_code": "en"}


async def measure(extra_facts: int, queries: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(_env_file=None, token="123456:BENCH", db=folder / "facts.db")
    store = open_store(settings)
    if extra_facts:
        store.import_facts(synthetic_facts(extra_facts), actor="bench")
    api = FakeBotApi()
    app = build_application(settings, store=store, request=OfflineRequest(api))
    texts = ["how many soldiers", "北朝鮮は何人派遣した？", ""]
    if extra_facts:
        texts += [question for question, _ in questions_for(store.all(), 50)]
    samples: list[float] = []
    async with app:
        for number in range(queries):
            text = texts[number % len(texts)]
            update = Update.de_json(
                {"update_id": number + 1, "inline_query": {"id": str(number), "from": USER, "query": text, "offset": ""}},
                app.bot,
            )
            start = time.perf_counter()
            await app.process_update(update)
            samples.append((time.perf_counter() - start) * 1000)
        await app.process_update(
            Update.de_json({"update_id": 10**6, "inline_query": {"id": "x", "from": USER, "query": "how many soldiers",
                                                                 "offset": ""}}, app.bot)
        )
    first = api.sent("answerInlineQuery")[-1].params["results"][0]
    first = first if isinstance(first, dict) else first.to_dict()
    samples.sort()
    return {
        "p50": samples[len(samples) // 2],
        "p99": samples[min(len(samples) - 1, int(len(samples) * 0.99))],
        "first": first["title"],
        "facts": store.count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facts", default="0,10000", help="synthetic facts to add to the seed table, comma-separated")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    print(f"{'facts':>8} {'p50 ms':>8} {'p99 ms':>8}  first card for 'how many soldiers'")
    for extra in (int(size) for size in args.facts.split(",")):
        row = asyncio.run(measure(extra, args.queries))
        print(f"{row['facts']:>8,} {row['p50']:>8.2f} {row['p99']:>8.2f}  {row['first']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
