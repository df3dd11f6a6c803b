"""Score factbot and the simple peers on the development pack (../shared/devsets), in-process.

    python bench/devsets.py [--sets banking77,tanaka_ja] [--split tune|check|both] [--wrong]

Uses the pack's own score.py for loading, scoring and the peers (BM25 and
WRatio, each at the cutoff best on the set's tune split), and answers the
questions with the bot's own code (import into a fresh in-memory store, the
matcher as the bot builds it, `answer_question`), which is what
`score.py --cmd "factbot --db {db} ask --json"` measures, without a process
per set. Tune on the tune split; report the check split.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facts.answers import answer_question  # noqa: E402
from facts.io import read_facts  # noqa: E402
from facts.lang import preferred_lang  # noqa: E402
from facts.matching.matcher import Matcher, MatcherSettings  # noqa: E402
from facts.store import FactStore  # noqa: E402

DEFAULT_PACK = Path(__file__).resolve().parents[2] / "shared" / "devsets"
CROSS_LINGUAL = ("tanaka_en2ja", "tanaka_ja2en", "mintaka_en2ja", "mintaka_ja2en")


def load_scorer(pack: Path):  # type: ignore[no-untyped-def]
    """The pack's score.py as a module."""
    spec = importlib.util.spec_from_file_location("devsets_score", pack / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["devsets_score"] = module
    spec.loader.exec_module(module)
    return module


def factbot_keys(pack: Path, name: str, questions: Sequence[object], settings: MatcherSettings | None = None) -> tuple[list[str | None], float]:
    """The key factbot answers for each question (None: no answer), and the seconds spent answering."""
    facts = read_facts((pack / f"{name}.facts.json").read_bytes(), "json")
    store = FactStore(":memory:")
    store.import_facts(facts, actor="bench", replace=True)
    stored = store.all()
    # As the bot builds it: the table's facts and its own synonyms (a foreign table has none).
    matcher = Matcher(stored, settings, synonyms=[group.terms for group in store.synonym_groups()])
    started = time.perf_counter()
    keys: list[str | None] = []
    for question in questions:
        text = question.q  # type: ignore[attr-defined]
        answer = answer_question(text, matcher, preferred_lang(text, None))
        keys.append(answer.fact.key if answer.kind == "fact" and answer.fact is not None else None)
    return keys, time.perf_counter() - started


def report(pack: Path, names: Sequence[str], splits: Sequence[str], wrong: bool = False, peers: bool = True,
           settings: MatcherSettings | None = None) -> dict[tuple[str, str, str], object]:
    """Print one table per split (factbot and peers per set); return every Score by (set, split, system)."""
    score = load_scorer(pack)
    results: dict[tuple[str, str, str], object] = {}
    for split in splits:
        print(f"\n{split} split — top-1 (in scope), abstention (out of scope), overall, wrong answers")
        print(score.HEADER)
        pooled = {system: score.Score() for system in ("factbot", "bm25", "wratio")}
        for name in names:
            questions = score.in_split(score.load_questions(name), split)
            keys, seconds = factbot_keys(pack, name, questions, settings)
            rows = [("factbot", name, keys, seconds)]
            if peers:
                for peer in ("bm25", "wratio"):
                    peer_keys, peer_seconds, cutoff = score.run_peer(name, questions, peer)
                    rows.append((peer, f"  {peer} @{cutoff:.1f}", peer_keys, peer_seconds))
            for system, label, found, spent in rows:
                result = score.Score(seconds=spent)
                for question, key in zip(questions, found):
                    result.add(question, key)
                    if wrong and system == "factbot" and split == "tune" and key != question.gold:
                        print(f"    {name}: {question.q!r} -> {key or '-'} (want {question.gold or '-'})")
                print(result.row(label), flush=True)
                results[(name, split, system)] = result
                total = pooled[system]
                for field in ("in_scope", "right", "out_of_scope", "abstained", "wrong", "seconds"):
                    setattr(total, field, getattr(total, field) + getattr(result, field))
        if len(names) > 1:
            for system in pooled if peers else ("factbot",):
                print(pooled[system].row(f"all sets: {system}"))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pack", type=Path, default=DEFAULT_PACK)
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--split", choices=["tune", "check", "both"], default="both")
    parser.add_argument("--wrong", action="store_true", help="list factbot's wrong tune-split answers")
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args(argv)
    if not (args.pack / "score.py").exists():
        print(f"no development pack at {args.pack} (give --pack)", file=sys.stderr)
        return 1
    names = args.sets.split(",") if args.sets else load_scorer(args.pack).available_sets()
    splits = ["tune", "check"] if args.split == "both" else [args.split]
    report(args.pack, names, splits, wrong=args.wrong, peers=not args.no_peers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
