"""How often does the bot answer the right fact, or honestly none?

    python bench/quality.py [--questions bench/questions.jsonl] [--details] [--pack ../shared/devsets] [--no-devsets]

Runs every question in the development set through the bot's own answering
code and through two peers on the same facts (plain rapidfuzz `extractOne`
with WRatio, and BM25 over words and character bigrams), each peer at the
threshold that suits it best. Prints, for the tuning split and the held-out
split (30% of the questions, chosen by a hash of the text, never tuned on):
in-scope top-1 accuracy, correct abstention on out-of-scope questions, overall
accuracy, and wrong answers (a wrong fact with a citation: the worst outcome).

Then the same for every set of the development pack (../shared/devsets: foreign
fact tables, English and Japanese, and across the two), tune and check split,
with the pack's own BM25 and WRatio peers beside factbot (bench/devsets.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from facts.answers import answer_question  # noqa: E402
from facts.io import bundled_seed, bundled_seed_synonyms  # noqa: E402
from facts.lang import preferred_lang  # noqa: E402
from facts.matching.matcher import Matcher, MatcherSettings  # noqa: E402
from facts.model import Fact  # noqa: E402
from facts.store import FactStore  # noqa: E402

HERE = Path(__file__).resolve().parent
HELD_OUT_PERCENT = 30


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    expect: frozenset[str]
    kind: str

    @property
    def held_out(self) -> bool:
        """A fixed 30% of the questions, by a hash of the text, that tuning never looks at."""
        return zlib.crc32(self.text.encode()) % 100 < HELD_OUT_PERCENT


Predictor = Callable[[str], "tuple[str | None, float]"]
"""A question → (the key of the fact answered, or None to abstain; a confidence score)."""


@dataclass
class Score:
    in_scope: int = 0
    in_scope_right: int = 0
    out_of_scope: int = 0
    abstained_right: int = 0
    wrong: int = 0

    def add(self, question: Question, answered: str | None) -> bool:
        """Count one outcome; True when it was right."""
        if question.expect:
            self.in_scope += 1
            right = answered in question.expect
            self.in_scope_right += right
            self.wrong += answered is not None and not right
        else:
            self.out_of_scope += 1
            right = answered is None
            self.abstained_right += right
            self.wrong += not right
        return right

    @property
    def total(self) -> int:
        return self.in_scope + self.out_of_scope

    @property
    def accuracy(self) -> float:
        return (self.in_scope_right + self.abstained_right) / max(self.total, 1)

    @property
    def errors(self) -> int:
        return self.total - self.in_scope_right - self.abstained_right

    def row(self, name: str) -> str:
        return (
            f"{name:<34} {self.in_scope_right / max(self.in_scope, 1):>8.3f} "
            f"{self.abstained_right / max(self.out_of_scope, 1):>10.3f} {self.accuracy:>8.3f} "
            f"{self.errors:>7d} {self.wrong:>6d} {self.wrong / max(self.total, 1):>7.1%}"
        )


HEADER = f"{'':<34} {'top-1':>8} {'abstain':>10} {'overall':>8} {'errors':>7} {'wrong':>6} {'wrong%':>7}"


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            questions.append(Question(row["q"], row["lang"], frozenset(row["expect"]), row["kind"]))
    return questions


def seed_facts() -> list[Fact]:
    store = FactStore(":memory:")
    store.seed(bundled_seed())
    facts = store.all()
    store.close()
    return facts


def factbot_predictor(facts: list[Fact], settings: MatcherSettings | None = None) -> Predictor:
    # The seed article's domain synonyms live in its table, as in the bot.
    matcher = Matcher(facts, settings, synonyms=bundled_seed_synonyms())

    def predict(text: str) -> tuple[str | None, float]:
        answer = answer_question(text, matcher, preferred_lang(text, None))
        if answer.kind != "fact" or answer.fact is None:
            return None, 0.0
        return answer.fact.key, answer.score or 0.0

    return predict


def extract_one_scores(facts: list[Fact]) -> Callable[[str], tuple[str | None, float]]:
    """Plain rapidfuzz: WRatio over every question and alias, default preprocessing."""
    from rapidfuzz import fuzz, process, utils

    choices = [(text, fact.key) for fact in facts for text in fact.texts()]
    texts = [text for text, _ in choices]

    def best(text: str) -> tuple[str | None, float]:
        found = process.extractOne(text, texts, scorer=fuzz.WRatio, processor=utils.default_process)
        if found is None:
            return None, 0.0
        return choices[found[2]][1], found[1]

    return best


def bm25_scores(facts: list[Fact]) -> Callable[[str], tuple[str | None, float]]:
    """BM25 (bm25s) over lower-cased words and character bigrams of every question and alias."""
    import re
    import unicodedata

    import bm25s
    import numpy as np

    def analyse(text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        words = re.findall(r"\w+", text)
        compact = "".join(words)
        return words + [compact[i : i + 2] for i in range(len(compact) - 1)]

    choices = [(text, fact.key) for fact in facts for text in fact.texts()]
    corpus = [analyse(text) for text, _ in choices]
    vocabulary = {token: index for index, token in enumerate(sorted({t for doc in corpus for t in doc}))}
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenization.Tokenized(ids=[[vocabulary[t] for t in doc] for doc in corpus], vocab=vocabulary), show_progress=False)

    def best(text: str) -> tuple[str | None, float]:
        query = [t for t in analyse(text) if t in vocabulary]
        if not query:
            return None, 0.0
        scores = retriever.get_scores(query)
        index = int(np.argmax(scores))
        return choices[index][1], float(scores[index])

    return best


def at_threshold(scorer: Callable[[str], tuple[str | None, float]], threshold: float) -> Predictor:
    def predict(text: str) -> tuple[str | None, float]:
        key, score = scorer(text)
        return (key if score >= threshold else None), score

    return predict


def best_threshold(scorer: Callable[[str], tuple[str | None, float]], questions: Sequence[Question]) -> float:
    """The threshold with the highest overall accuracy on `questions` (fewer wrong answers breaks ties)."""
    scored = [(question, *scorer(question.text)) for question in questions]
    candidates = sorted({score for _, _, score in scored} | {0.0})
    best, best_key = 0.0, (-1.0, 0)
    for threshold in candidates:
        score = Score()
        for question, key, value in scored:
            score.add(question, key if value >= threshold else None)
        rank = (score.accuracy, -score.wrong)
        if rank > best_key:
            best, best_key = threshold, rank
    return best


def evaluate(predict: Predictor, questions: Sequence[Question], details: bool = False) -> Score:
    score = Score()
    for question in questions:
        answered, value = predict(question.text)
        if not score.add(question, answered) and details:
            expected = ",".join(sorted(question.expect)) or "-"
            print(f"    {question.kind:<8} {question.text!r}: got {answered or '-'} ({value:.1f}), want {expected}")
    return score


TUNING_GRID = {
    "specificity_weight": [0.1, 0.15, 0.2],
    "spelling_weight": [0.1, 0.15, 0.2, 0.25, 0.3],
    "min_score": [50.0, 52.0, 54.0, 55.0, 56.0, 58.0],
    "min_margin": [2.0, 4.0, 6.0],
}
"""The score's shares (coverage takes what the other two leave) and the two thresholds."""


def tune(facts: list[Fact], questions: Sequence[Question], pack: Path) -> None:
    """Grid-search the weights and thresholds on tune splits only, and print the best few settings.

    Each setting answers the seed's tuning split and the tune split of every
    same-language set of the development pack (the cross-language pass has its
    own thresholds). A setting must leave the seed's tuning split no worse than
    the shipped defaults (accuracy and wrong answers: the seed article is what the
    bot ships with); the rest are ranked by the pack's mean of overall accuracy
    minus the share of wrong answers (a wrong fact with a citation counts twice).
    The check splits and the seed's held-out split are never looked at here.
    """
    import itertools

    import devsets

    scorer = devsets.load_scorer(pack)
    sets = [name for name in scorer.available_sets() if name not in devsets.CROSS_LINGUAL]
    tune_questions = {name: scorer.in_split(scorer.load_questions(name), "tune") for name in sets}

    def run(settings: MatcherSettings | None) -> tuple[Score, dict[str, object]]:
        seed = evaluate(factbot_predictor(facts, settings), questions)
        results = {}
        for name in sets:
            keys, _ = devsets.factbot_keys(pack, name, tune_questions[name], settings)
            result = scorer.Score()
            for question, key in zip(tune_questions[name], keys):
                result.add(question, key)
            results[name] = result
        return seed, results

    def pack_value(results: dict[str, object]) -> float:
        return sum(r.overall - r.wrong / r.total for r in results.values()) / len(results)  # type: ignore[attr-defined]

    shipped_seed, shipped = run(None)
    grid = list(itertools.product(*TUNING_GRID.values()))
    found = []
    for values in grid:
        chosen = dict(zip(TUNING_GRID, values))
        chosen["coverage_weight"] = round(1.0 - chosen["specificity_weight"] - chosen["spelling_weight"], 4)
        seed, results = run(MatcherSettings(**chosen))
        if seed.accuracy >= shipped_seed.accuracy and seed.wrong <= shipped_seed.wrong:
            found.append((pack_value(results), chosen, seed, results))
    found.sort(key=lambda item: item[0], reverse=True)

    def line(label: str, value: float, seed: Score, results: dict[str, object]) -> str:
        sets_text = "  ".join(f"{name} {r.overall:.3f}/{r.wrong}" for name, r in results.items())  # type: ignore[attr-defined]
        return f"{value:.4f}  seed {seed.accuracy:.3f}/{seed.wrong}  {sets_text}  {label}"

    print("pack value (mean of overall - wrong share over the tune splits), seed tuning split and each set as overall/wrong")
    print(line("shipped defaults", pack_value(shipped), shipped_seed, shipped))
    for value, chosen, seed, results in found[:8]:
        print(line(" ".join(f"{k}={v:g}" for k, v in chosen.items()), value, seed, results))
    print(f"{len(found)} of {len(grid)} settings keep the seed's tuning split")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    parser.add_argument("--details", action="store_true", help="list the tuning-split questions factbot gets wrong (the held-out split stays unseen)")
    parser.add_argument("--tune", action="store_true", help="grid-search weights and thresholds on the tune splits (seed and pack)")
    parser.add_argument("--pack", type=Path, default=None, help="the development pack (default: ../shared/devsets)")
    parser.add_argument("--no-devsets", action="store_true", help="only the seed questions")
    args = parser.parse_args(argv)

    questions = load_questions(args.questions)
    tuning = [q for q in questions if not q.held_out]
    held_out = [q for q in questions if q.held_out]
    facts = seed_facts()
    in_scope = sum(1 for q in questions if q.expect)
    print(f"{len(facts)} facts; {len(questions)} questions ({in_scope} in scope, {len(questions) - in_scope} not); "
          f"tuning split {len(tuning)}, held-out split {len(held_out)}")

    if args.tune:
        import devsets

        tune(facts, tuning, args.pack or devsets.DEFAULT_PACK)
        return 0

    ours = factbot_predictor(facts)
    peers = {}
    for name, scorer in (("rapidfuzz extractOne WRatio", extract_one_scores(facts)), ("BM25 words+bigrams", bm25_scores(facts))):
        threshold = best_threshold(scorer, tuning)  # the peers get their best threshold, from the tuning split only
        peers[f"{name} @{threshold:.2f}"] = at_threshold(scorer, threshold)

    for split_name, split in (("tuning split", tuning), ("held-out split", held_out), ("all questions", questions)):
        print(f"\n{split_name} ({len(split)} questions)")
        print(HEADER)
        print(evaluate(ours, split, details=args.details and split is tuning).row("factbot (shipped defaults)"))
        for name, predict in peers.items():
            print(evaluate(predict, split).row(name))
    if not args.no_devsets:
        import devsets

        pack = args.pack or devsets.DEFAULT_PACK
        if not (pack / "score.py").exists():
            print(f"\nno development pack at {pack}: give --pack, or --no-devsets")
            return 1
        print(f"\ndevelopment pack {pack}")
        devsets.report(pack, devsets.load_scorer(pack).available_sets(), ["tune", "check"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
