"""The three systems the speed bench compares: factbot as its CLI opens it, tantivy, and bm25s.

Each peer has a `build_*` (fact file in, on-disk index out) and an `open_*`
(on-disk index in, a function answering one question out), so that a fresh
process can time opening the index and answering, the way `factbot ask` is
timed. Imports are inside the functions: a cold start pays only for its own
system's modules.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Ask = Callable[[str], object]
"""Answers one question: what it found (printed by a cold start), or None when it found nothing."""

TEXT_FIELDS = ("question", "aliases", "answer")


@contextmanager
def factbot_answerer(db: Path) -> Iterator[Ask]:
    """Answer questions over the database at `db` exactly as `factbot ask` does (bot/cli.py `ask_questions`).

    The one place the bench opens factbot's store and matcher. It uses only the
    calls the CLI uses (`open_store`, `build_matcher`, `store.sync`,
    `answer_question`), so it keeps measuring the real path while the store and
    matcher internals change underneath. Each question is synced first, as the
    CLI and the bot's handlers do, so a question costs what it costs a user.
    """
    from bot.app import build_matcher, open_store
    from bot.config import Settings
    from facts.answers import answer_question
    from facts.lang import preferred_lang

    store = open_store(Settings(_env_file=None, db=db))  # type: ignore[call-arg]
    try:
        matcher = build_matcher(store)

        def ask(question: str) -> str | None:
            store.sync()
            answer = answer_question(question, matcher, preferred_lang(question, None))
            return answer.fact.question if answer.fact is not None else None

        yield ask
    finally:
        store.close()


def fact_rows(facts: Path, chunk: int = 1 << 20) -> Iterator[dict[str, Any]]:
    """The objects of a JSON fact file (a list), decoded one at a time as the file is read.

    A million facts are half a gigabyte of JSON and a few of Python dicts; the
    peers' build would otherwise be measuring `json.load` rather than indexing.
    """
    decoder = json.JSONDecoder()
    with facts.open(encoding="utf-8-sig") as file:  # -sig: as `factbot import`, a leading BOM is fine
        buffer, ended = file.read(chunk), False
        position = _skip(buffer, 0, "[")
        while True:
            position = _skip(buffer, position, ",")
            if position < len(buffer) and buffer[position] == "]":
                return
            try:
                row, after = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError:
                if ended:
                    raise
                more = file.read(chunk)
                buffer, position, ended = buffer[position:] + more, 0, not more
                continue
            yield row
            position = after


def _skip(buffer: str, position: int, separator: str) -> int:
    """The position after whitespace and at most one `separator` from `position`."""
    while position < len(buffer) and buffer[position] in " \t\r\n":
        position += 1
    if position < len(buffer) and buffer[position] == separator:
        position += 1
        while position < len(buffer) and buffer[position] in " \t\r\n":
            position += 1
    return position


# -- tantivy ---------------------------------------------------------------------------


def build_tantivy(facts: Path, folder: Path) -> int:
    """Index question, aliases and answer as text fields (default tokenizer) in `folder`; returns the count.

    The writer picks its own thread count and heap (tantivy's defaults), as a
    user trying it would.
    """
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="default")
    builder.add_integer_field("row", stored=True, indexed=False)
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(builder.build(), path=str(folder))
    writer = index.writer()
    count = 0
    for count, row in enumerate(fact_rows(facts), start=1):
        writer.add_document(
            tantivy.Document(row=count - 1, question=row["question"], aliases=row.get("aliases", []), answer=row["answer"])
        )
    writer.commit()
    writer.wait_merging_threads()
    return count


def open_tantivy(folder: Path) -> Ask:
    """Search the on-disk index: top 10 over the three fields, the best hit's stored row fetched."""
    import tantivy

    index = tantivy.Index.open(str(folder))
    searcher = index.searcher()

    def ask(question: str) -> int | None:
        query, _ = index.parse_query_lenient(question, list(TEXT_FIELDS))  # typed text is not query syntax
        hits = searcher.search(query, 10).hits
        return searcher.doc(hits[0][1])["row"][0] if hits else None

    return ask


# -- bm25s -----------------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def analyse(text: str) -> list[str]:
    """Lower-cased word tokens; runs with CJK characters become character bigrams.

    The same analysis as `../shared/devsets/score.py`'s BM25 peer, copied so the
    bench does not import from outside the repository.
    """
    tokens = []
    for word in re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()):
        if _CJK.search(word):
            tokens += [word[i : i + 2] for i in range(len(word) - 1)] or [word]
        else:
            tokens.append(word)
    return tokens


def build_bm25s(facts: Path, folder: Path) -> int:
    """Index each fact's question, aliases and answer as one document, saved to `folder`; returns the count."""
    import bm25s
    from bm25s.tokenization import Tokenized

    vocabulary: dict[str, int] = {}
    documents = [
        [vocabulary.setdefault(token, len(vocabulary)) for token in analyse(" ".join(_texts(row)))]
        for row in fact_rows(facts)
    ]
    retriever = bm25s.BM25()
    retriever.index(Tokenized(ids=documents, vocab=vocabulary), show_progress=False)
    retriever.save(str(folder), show_progress=False)
    return len(documents)


def open_bm25s(folder: Path) -> Ask:
    """Load the saved index memory-mapped (bm25s's `mmap=True`) and return the top 10 per question."""
    import bm25s

    retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)

    def ask(question: str) -> int | None:
        tokens = analyse(question)
        if not tokens:
            return None
        documents, scores = retriever.retrieve([tokens], k=10, show_progress=False)
        return int(documents[0][0]) if scores[0][0] > 0 else None  # bm25s ranks every document, matching or not

    return ask


def _texts(row: dict[str, Any]) -> list[str]:
    return [row["question"], *row.get("aliases", []), row["answer"]]


PEERS: dict[str, tuple[Callable[[Path, Path], int], Callable[[Path], Ask]]] = {
    "tantivy": (build_tantivy, open_tantivy),
    "bm25s": (build_bm25s, open_bm25s),
}
