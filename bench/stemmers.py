"""Which English stemmer: the tokeniser's light one against Snowball (PyStemmer), on every set.

    python bench/stemmers.py [--split tune|check|both]

Snowball is the field's standard stemmer (`pip install pystemmer`, in the bench
extra). Both variants keep the tokeniser's stopwords and the lexicon's
irregular forms; only the suffix rules differ. The seed questions and the
development pack are answered by the bot's own code (bench/quality.py,
bench/devsets.py), once per stemmer.
"""

from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import devsets  # noqa: E402
import quality  # noqa: E402

from facts.matching import bilingual, normalizer  # noqa: E402


def snowball() -> object:
    """`normalizer.stem` with Snowball's suffix rules in place of the light ones."""
    import Stemmer

    english = Stemmer.Stemmer("english")

    @lru_cache(maxsize=65536)
    def stem(word: str) -> str:
        if word in normalizer._stopwords():
            return ""
        base = normalizer._irregular().get(word)
        if base is not None:
            return base
        return word if word.isdigit() or len(word) <= 3 else english.stemWord(word)

    return stem


def run(splits: list[str]) -> None:
    questions = quality.load_questions(quality.HERE / "questions.jsonl")
    facts = quality.seed_facts()
    seed = quality.evaluate(quality.factbot_predictor(facts), questions)
    print(f"seed questions: overall {seed.accuracy:.3f}, wrong {seed.wrong}")
    devsets.report(devsets.DEFAULT_PACK, devsets.load_scorer(devsets.DEFAULT_PACK).available_sets(), splits, peers=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["tune", "check", "both"], default="tune")
    args = parser.parse_args()
    splits = ["tune", "check"] if args.split == "both" else [args.split]
    print("== light stemmer (shipped)")
    run(splits)
    normalizer.stem = snowball()  # type: ignore[assignment]
    bilingual.stem = normalizer.stem  # type: ignore[attr-defined]
    bilingual._table.cache_clear()
    normalizer.use_synonyms((("\0",),))  # clears the tokeniser's caches (the next table sets its own synonyms)
    print("\n== Snowball (PyStemmer)")
    run(splits)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
