"""The speed bench's inputs: a fact file `factbot import` takes, and questions, from either generator.

Both generators write the same two files, so factbot and its peers read the
very same facts and are asked the very same questions:

- `synth`: the shared `../shared/bench/synth_facts.py`, run as it is meant to
  be (a worst case for inverted indexes: few words, each in 5-15% of facts);
- `project`: this repository's `bench/synthetic.py` (invented places, topics
  and typed questions, a quarter about nothing known).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from facts.model import EDITABLE_FIELDS

GENERATORS = ("synth", "project")


@dataclass(frozen=True)
class BenchInput:
    """One generated table: the fact file (JSON list, as `factbot import` reads it) and the questions."""

    facts: Path
    questions: list[str]


@dataclass(frozen=True, slots=True)
class _Phrasings:
    """All `questions_for` keeps of a fact: a million of these weigh a fifth of a million Facts."""

    phrasings: tuple[str, ...]
    lang: str

    def texts(self) -> list[str]:
        return list(self.phrasings)


def generate(generator: str, size: int, folder: Path, questions: int, synth_script: Path) -> BenchInput:
    """Write `size` facts from `generator` into `folder` and return them with up to `questions` questions."""
    facts = folder / f"{generator}-{size}.json"
    if generator == "synth":
        asked = folder / f"{generator}-{size}.questions.txt"
        subprocess.run([sys.executable, str(synth_script), str(size), str(facts), str(asked)], check=True)
        lines = [line.strip() for line in asked.read_text(encoding="utf-8").splitlines()]
        return BenchInput(facts, [line for line in lines if line][:questions])
    if generator == "project":
        return BenchInput(facts, _write_project_facts(size, facts, questions))
    raise ValueError(f"unknown generator {generator!r}; known: {', '.join(GENERATORS)}")


def _write_project_facts(size: int, path: Path, questions: int) -> list[str]:
    """Stream bench/synthetic.py's facts into a fact file, one at a time, and draw its questions.

    Only the fields a person writes go into the file (no ids, no timestamps):
    the file is what an admin would import into a new database.
    """
    from synthetic import iter_synthetic_facts, questions_for

    kept: list[_Phrasings] = []
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for number, fact in enumerate(iter_synthetic_facts(size)):
            row = fact.model_dump(mode="json", include=set(EDITABLE_FIELDS), exclude_none=True)
            out.write(("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False))
            kept.append(_Phrasings(tuple(fact.texts()), fact.lang))
        out.write("\n]\n")
    return [text for text, _ in questions_for(kept, questions)]
