"""Everything the bot says that is not a fact, in Japanese and English.

Templates are plain text with `{name}` fields; the renderers escape the values.
"""

from __future__ import annotations

from facts.lang import Lang

MESSAGES: dict[str, dict[Lang, str]] = {
    "source": {"ja": "出典", "en": "Source"},
    "also_reported": {"ja": "ほかの報道", "en": "Also reported"},
    "no_fact": {
        "ja": "すみません、その質問に答えられる出典付きの情報はまだありません。",
        "en": "Sorry, I don't have a sourced fact for that yet.",
    },
    "try_these": {"ja": "こちらの質問なら答えられます:", "en": "I can answer these:"},
    "greeting": {
        "ja": "こんにちは！出典付きの情報でお答えします。質問をどうぞ。",
        "en": "Hi! Ask me a question and I'll answer with a sourced fact.",
    },
    "thanks": {"ja": "どういたしまして！ほかにも質問をどうぞ。", "en": "You're welcome! Ask me anything else."},
    "too_long": {
        "ja": "質問が長すぎます（{limit}文字まで）。短くしてもう一度送ってください。",
        "en": "That message is too long (the limit is {limit} characters). Please send a shorter question.",
    },
    "not_text": {
        "ja": "質問はテキストで送ってください。",
        "en": "Please send your question as text.",
    },
    "unknown_command": {
        "ja": "そのコマンドはありません。/help で使い方を確認できます。",
        "en": "I don't know that command. Send /help to see what I can do.",
    },
    "error": {
        "ja": "すみません、問題が発生しました。もう一度お試しください。",
        "en": "Sorry, something went wrong on my side. Please try again.",
    },
    "intro": {
        "ja": "出典付きの情報で質問に答えるボットです。{count}件の事実を、次の出典から答えます: {sources}。",
        "en": "I answer questions with sourced facts. I know {count} facts, from: {sources}.",
    },
    "topics": {"ja": "トピック: {topics}", "en": "Topics: {topics}"},
    "examples": {"ja": "たとえば:", "en": "For example:"},
    "ask_hint": {
        "ja": "質問をそのまま送ってください。答えには出典のリンクが付きます。",
        "en": "Just send your question. Every answer comes with its source link.",
    },
    "help_commands": {
        "ja": "/help この説明",
        "en": "/help this message",
    },
    "empty_table": {
        "ja": "まだ事実が登録されていません。",
        "en": "No facts have been added yet.",
    },
    "not_what_i_asked": {"ja": "質問と違う", "en": "Not what I asked"},
    "feedback_thanks": {
        "ja": "ありがとうございます。管理者に伝えます。",
        "en": "Thanks, I've passed that on to the admins.",
    },
    "fact_gone": {
        "ja": "その情報は削除されました。",
        "en": "That fact is no longer available.",
    },
    # -- admin commands ------------------------------------------------------------
    "admin_only": {
        "ja": "すみません、この操作は管理者だけができます。",
        "en": "Sorry, only admins can do that.",
    },
    "admin_private_only": {
        "ja": "管理者コマンドは、ボットとの個人チャットで使ってください。",
        "en": "Admin commands work in a private chat with me.",
    },
    "reason_required": {"ja": "必須です", "en": "required"},
    "reason_unknown_field": {"ja": "不明な項目です", "en": "unknown field"},
    "reason_empty": {"ja": "空にはできません", "en": "may not be empty"},
    "reason_too_long": {"ja": "{max}文字までです", "en": "may be at most {max} characters long"},
    "reason_too_many": {"ja": "{max}個までです", "en": "may have at most {max} items"},
    "reason_lang": {"ja": "ja か en を指定してください", "en": "must be ja or en"},
    "reason_url": {
        "ja": "http:// か https:// で始まるリンクにしてください（例: https://example.com/article）",
        "en": "must be an http:// or https:// link, e.g. https://example.com/article",
    },
    "reason_date": {
        "ja": "日付は YYYY-MM-DD の形で書いてください（例: 2024-12-19）",
        "en": "must be a date written YYYY-MM-DD, e.g. 2024-12-19",
    },
    "add_ask_question": {
        "ja": "新しい事実を追加します（/cancel で中止）。\nユーザーが尋ねる形で、質問を送ってください。",
        "en": "Adding a new fact (/cancel to stop).\nWhat is the question, as a user would ask it?",
    },
    "add_ask_answer": {"ja": "答えの文を送ってください。", "en": "The answer sentence?"},
    "add_ask_figure": {
        "ja": "太字で表示する数値を送ってください（例: 約1万1千人）。なければ /skip",
        "en": "The headline figure, shown in bold (e.g. about 11,000)? /skip if there is none.",
    },
    "add_ask_url": {
        "ja": "出典のリンクを送ってください（http:// か https://）。",
        "en": "The link to the source (http:// or https://)?",
    },
    "add_ask_title": {
        "ja": "出典の名前を送ってください（例: BBCニュース ジャパン）。",
        "en": "The source's name (e.g. BBC News Japan)?",
    },
    "add_ask_date": {
        "ja": "出典の日付を YYYY-MM-DD で送ってください。不明なら /skip",
        "en": "The source's date, YYYY-MM-DD? /skip if unknown.",
    },
    "add_ask_aliases": {
        "ja": "ほかの聞き方を「 | 」で区切って送ってください。なければ /skip",
        "en": "Other ways to ask it, separated by ' | '? /skip if none.",
    },
    "add_ask_lang": {
        "ja": "この事実の言語は？ボタンを押すか、/skip で「{default}」（質問から判定）にします。",
        "en": "The fact's language? Press a button, or /skip for '{default}' (from the question).",
    },
    "add_cannot_skip": {
        "ja": "この項目は省略できません。",
        "en": "This one can't be skipped.",
    },
    "add_invalid": {
        "ja": "受け付けられません: {reason}\nもう一度送ってください。",
        "en": "That doesn't work: {reason}\nPlease send it again.",
    },
    "add_preview": {
        "ja": "ユーザーにはこのように表示されます。保存しますか？",
        "en": "This is how users will see it. Save it?",
    },
    "add_press_button": {
        "ja": "「保存」か「キャンセル」を押してください（/cancel でも中止できます）。",
        "en": "Please press Save or Cancel (or send /cancel).",
    },
    "button_save": {"ja": "保存", "en": "Save"},
    "button_cancel": {"ja": "キャンセル", "en": "Cancel"},
    "lang_ja": {"ja": "日本語", "en": "Japanese"},
    "lang_en": {"ja": "英語", "en": "English"},
    "saved": {"ja": "事実 #{id} として保存しました。", "en": "Saved as fact #{id}."},
    "cancelled": {"ja": "中止しました。何も変更していません。", "en": "Cancelled; nothing changed."},
    "not_saved": {"ja": "保存していません:", "en": "Not saved:"},
    "add_usage": {
        "ja": "1行で追加: /add 質問 | 答え | 出典URL [| 数値 | 出典名 | YYYY-MM-DD]\n"
        "/add だけを送ると、1項目ずつ質問します。",
        "en": "One-line form: /add question | answer | source_url [| figure | source_title | YYYY-MM-DD]\n"
        "Send /add alone to be asked step by step.",
    },
    "edit_usage": {
        "ja": "使い方: /edit ID 項目 値\n項目: {fields}\naliases と tags は「 | 」区切り、- で任意の項目を空にします。",
        "en": "Usage: /edit ID field value\nFields: {fields}\n"
        "aliases and tags take a ' | '-separated list; - clears an optional field.",
    },
    "edit_unknown_field": {
        "ja": "「{field}」という項目はありません。編集できる項目: {fields}",
        "en": "There is no field '{field}'. Fields you can edit: {fields}",
    },
    "edited": {"ja": "事実 #{id} を変更しました:", "en": "Fact #{id} changed:"},
    "edit_unchanged": {
        "ja": "事実 #{id} はすでにその値です。何も変更していません。",
        "en": "Fact #{id} already has that value; nothing changed.",
    },
    "id_usage": {"ja": "使い方: /{command} ID（例: /{command} 12）", "en": "Usage: /{command} ID (e.g. /{command} 12)"},
    "fact_not_found": {
        "ja": "事実 #{id} はありません（削除した事実は /restore {id} で戻せます）。",
        "en": "There is no fact #{id} (a deleted fact comes back with /restore {id}).",
    },
    "delete_confirm": {
        "ja": "この事実 #{id} を削除しますか？削除しても /undo か /restore {id} で戻せます。",
        "en": "Delete fact #{id}? It can be brought back with /undo or /restore {id}.",
    },
    "button_delete": {"ja": "削除する", "en": "Delete"},
    "button_keep": {"ja": "残す", "en": "Keep"},
    "deleted": {
        "ja": "事実 #{id} を削除しました。/undo か /restore {id} で戻せます。",
        "en": "Deleted fact #{id}. /undo or /restore {id} brings it back.",
    },
    "kept": {"ja": "事実 #{id} はそのままです。", "en": "Fact #{id} is kept; nothing changed."},
    "restored": {"ja": "事実 #{id} を元に戻しました。", "en": "Restored fact #{id}."},
    "not_deleted": {"ja": "事実 #{id} は削除されていません。", "en": "Fact #{id} is not deleted."},
    "facts_page": {
        "ja": "事実 {total}件中 {first}–{last}件目（{number}/{pages}ページ）",
        "en": "Facts {first}–{last} of {total} (page {number}/{pages})",
    },
    "facts_search_page": {
        "ja": "「{query}」を含む事実 {total}件中 {first}–{last}件目（{number}/{pages}ページ）",
        "en": "Facts matching '{query}': {first}–{last} of {total} (page {number}/{pages})",
    },
    "facts_none": {"ja": "「{query}」を含む事実はありません。", "en": "No facts match '{query}'."},
    "button_prev": {"ja": "◀ 前へ", "en": "◀ Prev"},
    "button_next": {"ja": "次へ ▶", "en": "Next ▶"},
    "list_expired": {
        "ja": "この一覧は古くなりました。/facts をもう一度送ってください。",
        "en": "This list has expired; send /facts again.",
    },
    "history": {"ja": "変更履歴（新しい順）:", "en": "History, newest first:"},
    "history_empty": {"ja": "変更の記録はまだありません。", "en": "No changes recorded yet."},
    "action_add": {"ja": "追加", "en": "added"},
    "action_edit": {"ja": "編集", "en": "edited"},
    "action_delete": {"ja": "削除", "en": "deleted"},
    "action_import": {"ja": "インポート", "en": "imported"},
    "action_undo": {"ja": "取り消し", "en": "undid"},
    "action_restore": {"ja": "復元", "en": "restored"},
    "undone_mark": {"ja": "（取り消し済み）", "en": "(undone)"},
    "undo_done": {"ja": "取り消しました:", "en": "Undone:"},
    "undo_nothing": {"ja": "取り消せる変更はありません。", "en": "You have no change to undo."},
    "undo_conflict": {
        "ja": "取り消せません: 事実 #{id} はその後ほかの変更を受けています。/history {id} を確認してください。",
        "en": "Can't undo: fact #{id} was changed again since. See /history {id}.",
    },
    "import_send": {
        "ja": "インポートする JSON か CSV のファイル（1 MBまで）をドキュメントとして送ってください。/cancel で中止。",
        "en": "Send me the JSON or CSV file to import (up to 1 MB) as a document. /cancel to stop.",
    },
    "import_send_document": {
        "ja": "ファイルをドキュメント（📎）として送ってください。/cancel で中止。",
        "en": "Please send the file as a document (📎), or /cancel.",
    },
    "import_too_big": {
        "ja": "ファイルが大きすぎます（{size}、上限は1 MB）。分割して送ってください。",
        "en": "That file is too big ({size}; the limit is 1 MB). Please split it and send the parts.",
    },
    "import_not_fact_file": {
        "ja": "インポートできるのは .json か .csv の事実ファイル（/export と同じ形式）です。「{file}」は違います。",
        "en": "I can import .json or .csv fact files (like the ones /export sends); '{file}' is not one.",
    },
    "import_failed": {
        "ja": "何もインポートしていません。次の行を直して、もう一度送ってください:",
        "en": "Nothing was imported. Fix these rows and send the file again:",
    },
    "import_done": {
        "ja": "{file} をインポートしました: 追加 {added}件、更新 {updated}件、変更なし {unchanged}件、削除 {removed}件。",
        "en": "Imported {file}: {added} added, {updated} updated, {unchanged} unchanged, {removed} removed.",
    },
    "export_caption": {
        "ja": "{count}件の事実。このファイルはそのまま /import できます。",
        "en": "{count} facts. /import accepts this file unchanged.",
    },
    "more_lines": {"ja": "…ほか{count}件", "en": "… and {count} more"},
    "preview_expired": {
        "ja": "このプレビューは期限切れです。/add からやり直してください。",
        "en": "This preview has expired; send /add to start again.",
    },
    "button_expired": {
        "ja": "このボタンは期限切れです。",
        "en": "This button has expired.",
    },
    "store_busy": {
        "ja": "事実テーブルが使用中です（別の変更を保存中）。何も変更していません。少ししてからもう一度お試しください。",
        "en": "The fact table is busy (another change is being saved). Nothing was changed; please try again in a moment.",
    },
}


def message(name: str, lang: Lang, **values: object) -> str:
    """The named message in `lang`, with `values` filled in (unescaped)."""
    return MESSAGES[name][lang].format(**values)
