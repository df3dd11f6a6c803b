"""Matching a question to the fact it asks for, in either language, or honestly to none.

The rest of factbot uses this interface: `Matcher` (over a store, or over given
facts), its `MatchResult`, and the normaliser's `compact` and question length
limit. Inside: the normaliser and tokeniser (`normalizer`), groups of a fact's
language versions (`groups`), what the index stores per group (`entries`; the
store keeps it in SQLite), Japanese words (`japanese`, Sudachi), the word table
for questions across languages (`bilingual`, from JMdict) and the scorer (`matcher`).
"""

from facts.matching.matcher import Match, Matcher, MatcherSettings, MatchResult
from facts.matching.normalizer import MAX_QUESTION_CHARS, compact

__all__ = ["MAX_QUESTION_CHARS", "Match", "MatchResult", "Matcher", "MatcherSettings", "compact"]
