"""How fast is indexing tokenisation, and does a change to it keep every token the same?

    python bench/tokenize_speed.py [--sizes 20000,100000] [--synthetic 20000]
    python bench/tokenize_speed.py --dump PATH [--synth-count 20000]
    python bench/tokenize_speed.py --profile [--synth-count 20000]

Timing: for each size, in a fresh process (cold caches, as `factbot import`
starts), tokenise the facts of /work/shared/bench/synth_facts.py (words drawn
from a small vocabulary) and of bench/synthetic.py (invented names, so the
vocabulary grows with the table) one by one, as indexing does, and print the
microseconds per fact of `_found` (the tokens of each text) and `_parts` (the
group's token sets), and per question of `tokens`, in CPU time of this
process (the machine is shared: wall time would count the others' work). The
cyclic garbage collector is off meanwhile, as it is while the matcher builds
its index.

Dump (`--dump`): write every token list the tokenizer makes for a fixed corpus
(the bundled seed facts, bench/questions.jsonl, the development pack's facts
and questions, synth_facts and bench/synthetic.py facts and their questions),
with `_found`, `tokens` for each text alone and `_parts` of each group, first
without and then with the seed synonyms active. Run it before and after a
change and `cmp` the files: any difference is a change in what the bot
matches. The process re-runs itself with PYTHONHASHSEED=0, because `_parts`
returns one tuple in set order.

(Not named tokenize.py: bench/ comes first on the path of every script in
it, and the standard library's `tokenize`, which dataclasses imports, would
be this file.)
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
_ROOT = _BENCH.parent
sys.path.insert(0, str(_ROOT))

from facts.matching.groups import _found, _parts, _source_tokens  # noqa: E402
from facts.io import bundled_seed, bundled_seed_synonyms  # noqa: E402
from facts.matching.entries import group_name  # noqa: E402
from facts.model import Fact  # noqa: E402
from facts.matching.normalizer import tokens, use_synonyms  # noqa: E402

SYNTH_SCRIPT = Path("/work/shared/bench/synth_facts.py")
DEVSETS = _ROOT.parent / "shared" / "devsets"
DATA = Path(os.environ.get("TOKENIZE_BENCH_DATA", "/tmp/tok"))
"""Where synth_facts.py's generated files are kept between runs (they take seconds to make)."""


# -- the facts ---------------------------------------------------------------------------------


def synth_facts(count: int) -> tuple[list[Fact], list[str]]:
    """The first `count` facts of synth_facts.py's 100,000 (generated once into DATA), and its questions."""
    size = max(count, 100_000)
    facts_path, questions_path = DATA / f"f{size // 1000}k.json", DATA / "q.txt"
    if not facts_path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(SYNTH_SCRIPT), str(size), str(facts_path), str(questions_path)], check=True)
    rows = json.loads(facts_path.read_text(encoding="utf-8"))[:count]
    questions = questions_path.read_text(encoding="utf-8").splitlines()
    return [Fact(id=i + 1, **row) for i, row in enumerate(rows)], questions


def synthetic(count: int) -> tuple[list[Fact], list[str]]:
    """bench/synthetic.py's `count` facts and 500 questions about them."""
    from synthetic import questions_for, synthetic_facts

    facts = synthetic_facts(count)
    return facts, [text for text, _ in questions_for(facts, 500)]


def seed() -> tuple[list[Fact], list[str]]:
    """The facts the bot ships with, and the questions of bench/questions.jsonl."""
    facts = [Fact(id=i + 1, **data.model_dump()) for i, data in enumerate(bundled_seed())]
    lines = (_BENCH / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return facts, [json.loads(line)["q"] for line in lines if line.strip()]


def devset(name: str) -> tuple[list[Fact], list[str]]:
    """One set of the development pack: its facts and its questions."""
    rows = json.loads((DEVSETS / f"{name}.facts.json").read_text(encoding="utf-8"))
    lines = (DEVSETS / f"{name}.questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [Fact(id=i + 1, **row) for i, row in enumerate(rows)], [json.loads(line)["q"] for line in lines if line]


EDGE_TEXTS = [
    "", " ", "_", "__init__", "a_b", "11,000", "11k", "1.5k", "1,500k", "x1,500k", "1,500 k", "2,5", "1,2345",
    "３，０００人", "一万一千", "1万1千", "三月", "一方", "十", "二十五", "〇", "零点", "百万", "1億2千万",
    "どろーん", "ドローン", "ｶﾀｶﾅ", "ﾄﾞﾛｰﾝ", "ＮＫ　兵士", "Ｋｕｒｓｋ", "ﬁnance", "Ⅻ", "①②", "ß STRASSE",
    "tab\there", "line\nbreak", "nul\x00char", "zero\u200bwidth", "bidi\u202etext", "\ud7ff", "é é",
    "north korea's soldiers", "N. Korea", "how many north korean soldiers?", "Is it true that 11k died?",
    "ウクライナ兵", "北朝鮮兵の死傷者は何人？", "なぜ北朝鮮はロシアを支持？", "#nk ?why @x", "ｗｈｙ", "😀 emoji 👍",
]
"""Texts that take the rare paths (numbers, kanji numerals, width, kana, control characters, separators)."""


def edge_texts(count: int, seed: int = 5) -> list[str]:
    """`EDGE_TEXTS` and `count` seeded random strings drawn from the characters the folding treats specially."""
    import random

    rng = random.Random(seed)
    alphabet = (
        list("0123456789,.k _-#?@'\"") + list("aAzZ") + list("〇零一二三四五六七八九十百千万億")
        + list("あいうかがーンカドロ々〆漢字北兵") + list("０１２ＡＫｋｶﾞｰ，．　？！（）") + ["\t", "\n", "\u00a0", "\u2028", "\x07"]
        + ["soldiers", "north", "korea", "why", "how", "many", "兵士", "何人", "なぜ", "ロシア", "the", "killed"]
    )
    texts = [*EDGE_TEXTS]
    for _ in range(count):
        texts.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 25))))
    return texts


def edge() -> tuple[list[Fact], list[str]]:
    """Facts made of `edge_texts` (question, aliases, figure, answer, tags) and the texts as questions."""
    texts = edge_texts(5_000)
    facts = []
    for start in range(0, len(texts) - 6, 6):
        question, *aliases, figure, answer = [text.strip() or "x" for text in texts[start : start + 6]]
        facts.append(
            Fact(
                id=len(facts) + 1, question=question[:300], aliases=aliases[:2], answer=answer, figure=figure[:100],
                source_url="https://example.org/edge", source_title="Edge", lang="en", tags=aliases[2:],
            )
        )
    return facts, texts


def corpora(synth_count: int) -> Iterator[tuple[str, list[Fact], list[str]]]:
    """Every corpus the dump covers, by name."""
    yield "seed", *seed()
    yield "edge", *edge()
    for path in sorted(DEVSETS.glob("*.facts.json")):
        name = path.name.removesuffix(".facts.json")
        yield name, *devset(name)
    yield "synth_facts", *synth_facts(synth_count)
    yield "synthetic", *synthetic(synth_count)


# -- dump ---------------------------------------------------------------------------------------


def dump(path: Path, synth_count: int) -> None:
    """Write every token list of every corpus to `path`, one JSON line each."""
    loaded = list(corpora(synth_count))
    lists = 0
    with path.open("w", encoding="utf-8") as out:
        for synonyms in ((), tuple(tuple(group) for group in bundled_seed_synonyms())):
            _use(synonyms)
            label = "seed-synonyms" if synonyms else "lexicon"
            for name, facts, questions in loaded:
                lists += _dump_corpus(out, f"{label}/{name}", facts, questions)
    _use(())
    print(f"{lists:,} token lists and every group's parts written to {path}")


def _use(synonyms: tuple[tuple[str, ...], ...]) -> None:
    """Make `synonyms` the table's, as the matcher does (its cache of source titles' tokens too)."""
    if use_synonyms(synonyms):
        _source_tokens.cache_clear()


def _dump_corpus(out, name: str, facts: list[Fact], questions: list[str]) -> int:  # type: ignore[no-untyped-def]
    """Dump one corpus; how many token lists that was."""
    lists = 0
    found_by_id: dict[int | None, list[list[str]]] = {}
    for fact in facts:
        found = _found(fact)
        found_by_id[fact.id] = found
        out.write(json.dumps(["found", name, fact.id, found], ensure_ascii=False) + "\n")
        lists += len(found)
        for text in (*fact.texts(), fact.figure or "", fact.answer, *fact.tags, fact.source_title):
            out.write(json.dumps(["tokens", name, fact.id, text, tokens(text)], ensure_ascii=False) + "\n")
            lists += 1
    for index, question in enumerate(questions):
        out.write(json.dumps(["question", name, index, tokens(question)], ensure_ascii=False) + "\n")
        lists += 1
    groups: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        groups[group_name(fact.id or 0, fact.key)].append(fact)
    for group_id, members in groups.items():
        strong, weak, intents, phrasings, owners, owned = _parts(members, [found_by_id[fact.id] for fact in members])
        parts = [strong, weak, sorted(intents), phrasings, sorted(owners), sorted(owned)]
        out.write(json.dumps(["parts", name, group_id, parts], ensure_ascii=False) + "\n")
    return lists


# -- timing -------------------------------------------------------------------------------------


def measure(generator: str, count: int) -> dict[str, float]:
    """µs per fact of `_found` and `_parts` and per question of `tokens`, over `count` facts (cold caches)."""
    facts, questions = synth_facts(count) if generator == "synth_facts" else synthetic(count)
    tokens("")  # the lexicon is loaded once per process, not per fact
    gc.disable()
    started = time.process_time()
    found = [_found(fact) for fact in facts]
    found_s = time.process_time() - started
    started = time.process_time()
    for fact, texts in zip(facts, found):
        _parts([fact], [texts])
    parts_s = time.process_time() - started
    started = time.process_time()
    rounds = 20
    for _ in range(rounds):
        for question in questions:
            tokens(question)
    tokens_s = time.process_time() - started
    gc.enable()
    return {
        "found_us": found_s / count * 1e6,
        "parts_us": parts_s / count * 1e6,
        "tokens_us": tokens_s / (rounds * len(questions)) * 1e6,
    }


def _fastest(generator: str, count: int, repeat: int) -> dict[str, float]:
    """`measure` in `repeat` fresh processes, each figure the lowest seen: the others' load only adds time."""
    runs = []
    for _ in range(repeat):
        child = [sys.executable, __file__, "--measure", generator, str(count)]
        runs.append(json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout))
    return {key: min(run[key] for run in runs) for key in runs[0]}


def profile(generator: str, count: int) -> None:
    """cProfile of `_found` and `_parts` over `count` facts: where the time goes."""
    facts, _ = synth_facts(count) if generator == "synth_facts" else synthetic(count)
    tokens("")
    profiler = cProfile.Profile()
    profiler.enable()
    for fact in facts:
        _parts([fact], [_found(fact)])
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000", help="synth_facts table sizes to time")
    parser.add_argument("--synthetic", default="20000", help="bench/synthetic.py table sizes to time")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per size; the fastest counts")
    parser.add_argument("--dump", type=Path, help="write every token list of the corpus here instead of timing")
    parser.add_argument("--synth-count", type=int, default=20_000, help="facts of each generator in --dump/--profile")
    parser.add_argument("--profile", choices=("synth_facts", "synthetic"), nargs="?", const="synth_facts")
    parser.add_argument("--measure", nargs=2, metavar=("GENERATOR", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        if os.environ.get("PYTHONHASHSEED") != "0":
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            sys.exit(subprocess.run([sys.executable, *sys.argv], env=env).returncode)
        dump(args.dump, args.synth_count)
    elif args.profile:
        profile(args.profile, args.synth_count)
    elif args.measure:
        print(json.dumps(measure(args.measure[0], int(args.measure[1]))))
    else:
        runs = [("synth_facts", int(size)) for size in args.sizes.split(",") if size]
        runs += [("synthetic", int(size)) for size in args.synthetic.split(",") if size]
        print(f"{'generator':<12} {'facts':>8} {'_found µs':>10} {'_parts µs':>10} {'sum µs':>8} {'tokens µs/q':>12}")
        for generator, count in runs:
            result = _fastest(generator, count, args.repeat)
            total = result["found_us"] + result["parts_us"]
            print(
                f"{generator:<12} {count:>8,} {result['found_us']:>10.1f} {result['parts_us']:>10.1f}"
                f" {total:>8.1f} {result['tokens_us']:>12.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
