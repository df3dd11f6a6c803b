"""Why Sudachi: cross-lingual accuracy with Sudachi's words against a dictionary-only segmenter.

    python bench/segmenters.py [--split tune|check|both]

The alternative needs no analyser: it cuts Japanese text greedily into the
longest words the JMdict word table knows (lone hiragana skipped), for both the
question (what is translated) and the facts (what a translation must meet).
Both run the bot's own code on the development pack's four cross-lingual sets
(bench/devsets.py); only the segmenter differs.
"""

from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import devsets  # noqa: E402

from facts.matching import bilingual, matcher  # noqa: E402


def dictionary_words() -> object:
    """A segmenter over the word table's Japanese words: the longest known word at each position."""
    known = frozenset(bilingual._table().ja_to_en)
    longest = max(map(len, known))

    @lru_cache(maxsize=4096)
    def words(text: str, forms: bool = False) -> tuple[str, ...]:
        found: list[str] = []
        start = 0
        while start < len(text):
            for length in range(min(longest, len(text) - start), 0, -1):
                word = text[start : start + length]
                if word in known and not (length == 1 and "\u3041" <= word <= "\u309f"):
                    found.append(word)
                    start += length
                    break
            else:
                start += 1
        return tuple(found)

    return words


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["tune", "check", "both"], default="both")
    args = parser.parse_args()
    splits = ["tune", "check"] if args.split == "both" else [args.split]
    print("== Sudachi (shipped)")
    devsets.report(devsets.DEFAULT_PACK, devsets.CROSS_LINGUAL, splits, peers=False)
    segment = dictionary_words()
    bilingual.content_words = segment  # type: ignore[assignment]
    matcher.content_words = segment  # type: ignore[assignment]
    print("\n== longest match over the word table's Japanese words")
    devsets.report(devsets.DEFAULT_PACK, devsets.CROSS_LINGUAL, splits, peers=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
