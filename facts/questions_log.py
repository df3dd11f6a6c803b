"""The questions log: what people ask, kept as little and as briefly as the admins' work needs.

Each answered or unanswered question is logged with when, which fact answered
(and its score), the language and the chat type. The asker is kept only as a
salted hash (HMAC-SHA256 with a random salt made once per database), enough to
tell "five people asked" from "one person asked five times" and nothing more.
Rows older than `keep_days` are deleted; with `keep_days=0` no question text
is stored at all (neither here nor in 'not what I asked' reports), and the
text-less rows are kept `COUNTS_ONLY_DAYS` for /stats.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from facts.answers import Answer
from facts.store import FactStore, LoggedQuestion

DEFAULT_KEEP_DAYS = 90
COUNTS_ONLY_DAYS = 30
"""With no text kept, how long the bare counts stay (what /stats looks at)."""
_SALT = "questions_log_salt"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class QuestionsLog:
    """Logs questions and reports through the store, applying the privacy policy."""

    def __init__(self, store: FactStore, keep_days: int = DEFAULT_KEEP_DAYS, clock: Clock = utc_now) -> None:
        """Open the log, making the salt on first use and pruning what is too old already."""
        if keep_days < 0:
            raise ValueError("keep_days must be 0 or more")
        self.store = store
        self.keep_days = keep_days
        self.clock = clock
        self._salt = store.secret(_SALT, lambda: secrets.token_hex(32))
        store.rehash_feedback_users(lambda user_id: self.user_hash(user_id) or "")
        self.prune()

    @property
    def keeps_text(self) -> bool:
        return self.keep_days > 0

    def user_hash(self, user_id: int | None) -> str | None:
        """The asker as the log knows them: a salted hash that cannot be turned back into the id."""
        if user_id is None:
            return None
        digest = hmac.new(self._salt.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
        return digest[:24]

    def record(self, answer: Answer, user_id: int | None, chat_type: str) -> int | None:
        """Log one question and what the bot answered; small talk and refusals are not questions."""
        if answer.kind not in ("fact", "unknown"):
            return None
        fact_id = answer.fact.id if answer.kind == "fact" and answer.fact is not None else None
        entry = LoggedQuestion(
            at=self.clock(),
            question=answer.question.strip() if self.keeps_text else None,
            fact_id=fact_id,
            score=round(answer.score, 2) if answer.score is not None and fact_id is not None else None,
            lang=answer.lang,
            chat_type=chat_type,
            user_hash=self.user_hash(user_id),
        )
        return self.store.log_question(entry)

    def record_feedback(self, user_id: int | None, question: str, fact_id: int | None) -> int:
        """Keep 'not what I asked': the fact shown and (if texts are kept) the question."""
        text = question.strip() if self.keeps_text else None
        return self.store.record_feedback(self.user_hash(user_id) or "", text or None, fact_id, at=self.clock())

    def prune(self) -> int:
        """Delete rows past their time; with no text kept, blank any text left from before."""
        days = self.keep_days if self.keeps_text else COUNTS_ONLY_DAYS
        gone = self.store.prune_questions(self.clock() - timedelta(days=days))
        if not self.keeps_text:
            gone += self.store.forget_question_texts()
        return gone
