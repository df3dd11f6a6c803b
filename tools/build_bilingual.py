"""Regenerate facts/matching/data/bilingual.json, the Japanese↔English word table, from JMdict.

    pip install jamdict-data      # JMdict as SQLite (about 300 MB unpacked; only needed here, never at run time)
    python tools/build_bilingual.py [--db PATH/TO/jamdict.db]

The table keeps JMdict's common entries (those with a priority tag: news1/2,
ichi1/2, spec1/2, gai1/2, nfXX): each Japanese word, in the normalised form
Sudachi gives it, with the English glosses of its first senses; and for each
English word or two-word term, the Japanese words it glosses, most common first. JMdict
is © the Electronic Dictionary Research and Development Group, used under
CC BY-SA 4.0 (https://www.edrdg.org/edrdg/licence.html); the generated file is
a derived work under the same licence (see facts/matching/data/bilingual.NOTICE.md).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facts.matching.japanese import single_word  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "facts" / "matching" / "data" / "bilingual.json"
WORDS_OUT = OUT.with_name("english_words.txt")
"""Every English word of every gloss: what tells a real word the table does not use from a typo."""
SENSES = 2
"""Glosses of the first senses only: later senses are rarer meanings that mostly add noise."""
GLOSSES = 6
MAX_GLOSS_WORDS = 3
TRANSLATIONS = 8
"""Japanese words kept per English word: the most common ones."""
_ENGLISH = re.compile(r"^[a-z][a-z' -]*[a-z]$")
_KATAKANA = re.compile(r"[\u30a0-\u30ffー・]+")


def _ranks(db: sqlite3.Connection) -> dict[int, int]:
    """How common each entry is: 0 for news1/ichi1/spec1/gai1, else its nfXX band (lower is more common), 60 for *2 tags."""
    rank: dict[int, int] = defaultdict(lambda: 99)
    for idseq, tag in db.execute(
        "SELECT k.idseq, p.text FROM Kanji k JOIN KJP p ON p.kid = k.ID UNION ALL SELECT k.idseq, p.text FROM Kana k JOIN KNP p ON p.kid = k.ID"
    ):
        value = int(tag[2:]) if tag.startswith("nf") else (0 if tag.endswith("1") else 60)
        rank[idseq] = min(rank[idseq], value)
    return rank


def _gloss(text: str) -> str | None:
    """A gloss as plain lower-case English ('(to) send' → 'send'), or None if it is not a short phrase."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    text = re.sub(r"^\s*to\s+", "", text).strip(" .,!?;:\"")
    text = " ".join(text.split())
    if not text or not _ENGLISH.match(text) or len(text.split()) > MAX_GLOSS_WORDS:
        return None
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="jamdict.db (from the jamdict-data package)")
    args = parser.parse_args()
    db = sqlite3.connect(args.db)
    rank = _ranks(db)
    common = set(rank)
    glosses: dict[int, list[str]] = defaultdict(list)
    senses: dict[int, list[int]] = defaultdict(list)
    for idseq, sense_id, text in db.execute(
        "SELECT s.idseq, s.ID, g.text FROM Sense s JOIN SenseGloss g ON g.sid = s.ID WHERE g.lang = 'eng' ORDER BY s.idseq, s.ID, g.rowid"
    ):
        if idseq not in common:
            continue
        if sense_id not in senses[idseq]:
            senses[idseq].append(sense_id)
        gloss = _gloss(text)
        if gloss and len(senses[idseq]) <= SENSES and len(glosses[idseq]) < GLOSSES and gloss not in glosses[idseq]:
            glosses[idseq].append(gloss)
    headwords: dict[int, list[str]] = defaultdict(list)
    for idseq, text in db.execute("SELECT idseq, text FROM Kanji ORDER BY ID"):
        headwords[idseq].append(text)
    usually_kana = {
        idseq
        for (idseq,) in db.execute("SELECT s.idseq FROM misc m JOIN Sense s ON s.ID = m.sid WHERE m.text LIKE '%usually written using kana%'")
    }
    for idseq, text, nokanji in db.execute("SELECT idseq, text, nokanji FROM Kana ORDER BY ID"):
        if nokanji or idseq not in headwords or idseq in usually_kana or _KATAKANA.fullmatch(text):
            headwords[idseq].append(text)
    ja2en: dict[str, list[str]] = {}
    en2ja: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for idseq in sorted(common, key=lambda idseq: (rank[idseq], idseq)):
        english = glosses.get(idseq)
        if not english:
            continue
        for headword in headwords.get(idseq, []):
            word = single_word(headword)
            if word is None:
                continue  # a phrase or grammar: not one word Sudachi would give
            entry = ja2en.setdefault(word, [])
            entry.extend(gloss for gloss in english if gloss not in entry)
            for position, gloss in enumerate(english):
                if gloss.count(" ") <= 1:  # a word, or a two-word name for one thing (art museum → 美術館)
                    en2ja[gloss].append((position, rank[idseq], word))
    table = {
        "_licence": "Derived from JMdict (EDRDG), CC BY-SA 4.0: https://www.edrdg.org/edrdg/licence.html. See bilingual.NOTICE.md; regenerate with tools/build_bilingual.py.",
        "ja2en": {word: ja2en[word][: GLOSSES * 2] for word in sorted(ja2en) if ja2en[word]},
        "en2ja": {word: _first_distinct(en2ja[word]) for word in sorted(en2ja)},
    }
    words = sorted(
        {
            word
            for (text,) in db.execute("SELECT text FROM SenseGloss WHERE lang = 'eng'")
            for word in re.sub(r"[^a-z]+", " ", text.lower()).split()
            if len(word) >= 2
        }
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    WORDS_OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    OUT.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(table['ja2en'])} Japanese words, {len(table['en2ja'])} English words → {OUT} ({OUT.stat().st_size // 1024} KB)")
    print(f"{len(words)} English words → {WORDS_OUT}")
    return 0


def _first_distinct(candidates: list[tuple[int, int, str]]) -> list[str]:
    """The Japanese words for one English word: those it glosses first, then the most common, first."""
    words: list[str] = []
    for _, _, word in sorted(candidates):
        if word not in words:
            words.append(word)
    return words[:TRANSLATIONS]


if __name__ == "__main__":
    raise SystemExit(main())
