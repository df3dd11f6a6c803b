"""An admin's /export csv opens safely in a spreadsheet, and /import takes the file back unchanged."""

from __future__ import annotations

import csv
import io

from facts.store import FactStore
from tests.conftest import ADMIN_ID, Chat


async def test_formulas_an_admin_typed_are_exported_as_text_and_come_back_as_typed(chat: Chat) -> None:
    admin = chat.as_user(ADMIN_ID)
    store: FactStore = chat.app.bot_data["store"]
    await admin.say('/add Which link? | =HYPERLINK("http://evil.example/","click") | https://example.org/a | @SUM(A1:A9) | +Source')
    before = store.all()

    await admin.say("/export csv")
    document, _synonyms = admin.api.sent("sendDocument")
    name, content = document.files["document"]
    [done] = await admin.send_document(content, name, caption="/import")

    [row] = [row for row in csv.DictReader(io.StringIO(content.decode("utf-8"))) if row["question"] == "Which link?"]
    assert "'=HYPERLINK(\"http://evil.example/\",\"click\")" == row["answer"]
    assert ("'@SUM(A1:A9)", "'+Source") == (row["figure"], row["source_title"])
    assert f"Imported {name}: 0 added, 0 updated, {len(before)} unchanged, 0 removed." == done.text
    assert before == store.all()
    [fact] = [fact for fact in store.all() if fact.question == "Which link?"]
    assert ('=HYPERLINK("http://evil.example/","click")', "@SUM(A1:A9)", "+Source") == (
        fact.answer, fact.figure, fact.source_title)
