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
    "share": {"ja": "共有", "en": "Share"},
    "link_unknown": {
        "ja": "すみません、このリンクの事実は見つかりません（削除されたのかもしれません）。質問をそのまま送ってください。/help で答えられる内容を確認できます。",
        "en": "Sorry, that link points to a fact I don't have (any more). Just send me your question; /help shows what I know.",
    },
    "fact_link": {"ja": "リンク", "en": "link"},
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
    "only_in": {
        "ja": "（この事実は{language}でのみ登録されています）",
        "en": "(This fact is recorded in {language} only.)",
    },
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
    "no_such_fact": {"ja": "事実 #{id} はありません。", "en": "There is no fact #{id}."},
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
    "import_confirm_replace": {
        "ja": "{file} で事実の表全体を置き換えますか？ 追加 {added}件、更新 {updated}件、変更なし {unchanged}件、"
        "削除 {removed}件（削除した事実は /undo で戻せます）。",
        "en": "Replace the whole fact table with {file}? {added} added, {updated} updated, {unchanged} unchanged, "
        "{removed} deleted (/undo brings deleted facts back).",
    },
    "import_confirm_seed_words": {
        "ja": "同梱の記事の同義語グループ {count}件も事実と一緒に削除されます（/undo で戻せます）。",
        "en": "The bundled article's {count} synonym groups go with its facts (/undo brings them back).",
    },
    "import_offer": {
        "ja": "{file} は事実ファイルです。インポートすると、追加 {added}件、更新 {updated}件、変更なし {unchanged}件"
        "になります。インポートしますか？",
        "en": "{file} is a fact file. Importing it would add {added}, update {updated} and leave {unchanged} "
        "unchanged. Import it?",
    },
    "import_confirm_synonyms": {
        "ja": "同義語グループ: ファイルに {count}件（現在 {stored}件）。",
        "en": "Synonym groups: {count} in the file ({stored} stored now).",
    },
    "import_confirm_synonyms_replace": {
        "ja": "同義語グループを {file} の {count}件で置き換えますか？（現在 {stored}件。/undo で戻せます）",
        "en": "Replace the synonym groups with the {count} in {file}? There are {stored} now (/undo brings them back).",
    },
    "import_offer_synonyms": {
        "ja": "{file} には同義語グループが {count}件あります（現在 {stored}件）。インポートしますか？",
        "en": "{file} holds {count} synonym groups ({stored} stored now). Import them?",
    },
    "import_expired": {
        "ja": "このインポートは期限切れです。もう一度ファイルを送ってください。",
        "en": "This import has expired; please send the file again.",
    },
    "button_import": {"ja": "インポートする", "en": "Import"},
    "button_replace": {"ja": "置き換える", "en": "Replace"},
    "export_caption": {
        "ja": "{count}件の事実。このファイルはそのまま /import できます。",
        "en": "{count} facts. /import accepts this file unchanged.",
    },
    "more_lines": {"ja": "…ほか{count}件", "en": "… and {count} more"},
    # -- the admins' digest and /notify ------------------------------------------------
    "digest_title": {"ja": "📬 前回のお知らせ以降:", "en": "📬 Since my last note:"},
    "digest_reports": {"ja": "「質問と違う」が{count}件:", "en": "“Not what I asked” pressed {count}×:"},
    "digest_report": {"ja": "• 「{question}」— 表示した事実 {fact}", "en": "• “{question}” — shown {fact}"},
    "digest_no_text": {"ja": "（本文は保存していません）", "en": "(text not kept)"},
    "digest_crossed": {
        "ja": "{threshold}回以上聞かれた未回答の質問が{count}件:",
        "en": "Asked {threshold}+ times and still unanswered ({count}):",
    },
    "digest_entry": {"ja": "• 「{question}」— {count}回", "en": "• “{question}” — {count}×"},
    "digest_footer": {
        "ja": "/unanswered で対応できます。このお知らせを止めるには /notify off",
        "en": "/unanswered to fix them · /notify off to stop these notes",
    },
    "notify_on": {
        "ja": "お知らせをオンにしました。問題があれば最大1時間に1回まとめて送ります。",
        "en": "Notifications are on: at most one note an hour when users report problems.",
    },
    "notify_off": {
        "ja": "お知らせをオフにしました。/notify on で再開できます。",
        "en": "Notifications are off. /notify on turns them back on.",
    },
    "notify_status_on": {
        "ja": "お知らせはオンです（最大1時間に1回）。/notify off で止められます。",
        "en": "Notifications are on (at most one an hour). /notify off stops them.",
    },
    "notify_status_off": {
        "ja": "お知らせはオフです。/notify on で再開できます。",
        "en": "Notifications are off. /notify on turns them back on.",
    },
    "notify_usage": {"ja": "使い方: /notify on または /notify off", "en": "Usage: /notify on or /notify off"},
    # -- /stats -------------------------------------------------------------------------
    "stats_period": {"ja": "過去{days}日間（{first} – {last}）", "en": "Last {days} days ({first} – {last})"},
    "stats_asked": {"ja": "質問: {asked}件（{people}人）", "en": "Questions: {asked} from {people} people"},
    "stats_answered": {"ja": "回答できた質問: {answered}件（{share}）", "en": "Answered: {answered} ({share})"},
    "stats_busiest": {"ja": "最も多かった日: {day}（{asked}件）", "en": "Busiest day: {day} ({asked} questions)"},
    "stats_top_facts": {"ja": "よく使われた事実:", "en": "Top facts:"},
    "stats_top_unanswered": {"ja": "多い未回答の質問:", "en": "Top unanswered:"},
    "stats_none": {"ja": "（なし）", "en": "(none)"},
    # -- /unanswered ----------------------------------------------------------------
    "unanswered_none": {
        "ja": "いま未回答の質問はありません。",
        "en": "There are no unanswered questions right now.",
    },
    "unanswered_no_text": {
        "ja": "質問の記録に本文を残さない設定です（FACTBOT_KEEP_QUESTIONS_DAYS=0）。一覧にできる質問はありません。",
        "en": "The questions log keeps no question text (FACTBOT_KEEP_QUESTIONS_DAYS=0), so there is nothing to list.",
    },
    "unanswered_header": {
        "ja": "未回答の質問 {total}件中 {number}件目（多い順）",
        "en": "Unanswered question {number} of {total} (most asked first)",
    },
    "unanswered_counts": {
        "ja": "質問回数 {count}（{people}人）・最新 {newest}",
        "en": "Asked {count}× by {people} people · last {newest}",
    },
    "unanswered_reports": {
        "ja": "うち「質問と違う」{count}件（表示した事実: {facts}）",
        "en": "{count} of them pressed “Not what I asked” (shown: {facts})",
    },
    "unanswered_usage": {
        "ja": "使い方: /unanswered または /unanswered 番号（例: /unanswered 2）",
        "en": "Usage: /unanswered, or /unanswered N for the N-th entry (e.g. /unanswered 2)",
    },
    "unanswered_closest": {"ja": "近い事実:", "en": "Closest facts:"},
    "unanswered_no_closest": {"ja": "近い事実はありません。", "en": "No fact comes close."},
    "button_add_to": {"ja": "#{id} に追加", "en": "Add to #{id}"},
    "button_new_fact": {"ja": "新しい事実", "en": "New fact"},
    "button_dismiss": {"ja": "非表示", "en": "Dismiss"},
    "alias_added": {
        "ja": "「{question}」を事実 #{id} の別の聞き方に追加しました。/undo で取り消せます。",
        "en": "“{question}” is now another way to ask fact #{id}. /undo takes it back.",
    },
    "alias_already": {
        "ja": "事実 #{id} はすでに「{question}」に答えます。",
        "en": "Fact #{id} already answers “{question}”.",
    },
    "dismissed": {"ja": "「{question}」を一覧から外しました。", "en": "Dismissed “{question}”."},
    "unanswered_gone": {
        "ja": "この項目はすでに処理されています。/unanswered で最新の一覧を見られます。",
        "en": "That entry was already handled; send /unanswered for the current list.",
    },
    "add_for_question": {
        "ja": "質問「{question}」の新しい事実を追加します（/cancel で中止）。",
        "en": "Adding a new fact for the question “{question}” (/cancel to stop).",
    },
    # -- synonyms ----------------------------------------------------------------------
    "add_ask_translation": {
        "ja": "{other}での聞き方も送ってください（{other}で質問する人にも見つかります）。なければ /skip",
        "en": "The question in {other} too, so people asking in {other} find it? /skip if not.",
    },
    "synonym_group": {"ja": "同義語グループ #{id}", "en": "synonym group #{id}"},
    "synonyms_usage": {
        "ja": "同義語は、質問との照合で同じ意味として扱う語のグループです。\n"
        "/synonyms [語句] グループの一覧・検索\n"
        "/synonym add 語 = 別の語 [= …] グループを追加（どれかの語を含むグループがあれば、そこに加えます）\n"
        "/synonym delete 語 その語をグループから外す\n"
        "/synonym delete #ID グループを削除",
        "en": "Synonyms are groups of terms that match as the same word in questions.\n"
        "/synonyms [text] lists or searches the groups\n"
        "/synonym add TERM = OTHER [= …] adds a group (or adds to the group that has one of the terms)\n"
        "/synonym delete TERM takes a term out of its group\n"
        "/synonym delete #ID deletes a group",
    },
    "synonyms_list": {"ja": "同義語グループ（{count}件）:", "en": "Synonym groups ({count}):"},
    "synonyms_search": {
        "ja": "「{query}」を含む同義語グループ（{count}件）:",
        "en": "Synonym groups with '{query}' ({count}):",
    },
    "synonyms_empty": {
        "ja": "同義語グループはまだありません。追加: /synonym add 語 = 別の語",
        "en": "No synonym groups yet. Add one: /synonym add TERM = OTHER",
    },
    "synonyms_none": {
        "ja": "「{query}」を含む同義語グループはありません。",
        "en": "No synonym group has a term containing '{query}'.",
    },
    "synonym_added": {
        "ja": "同義語グループ #{id} を追加しました: {terms}\n次の質問から使われます。/undo で取り消せます。",
        "en": "Added synonym group #{id}: {terms}\nThe next question uses it; /undo takes it back.",
    },
    "synonym_merged": {
        "ja": "同義語グループ #{id} に {new} を加えました: {terms}\n/undo で取り消せます。",
        "en": "Added {new} to synonym group #{id}: {terms}\n/undo takes it back.",
    },
    "synonym_merged_groups": {
        "ja": "同じ語を含んでいたグループ {ids} もまとめました。",
        "en": "Groups {ids} shared a term with it and were merged into it.",
    },
    "synonym_unchanged": {
        "ja": "同義語グループ #{id} にはすでにこれらの語があります。何も変更していません: {terms}",
        "en": "Synonym group #{id} already has these terms; nothing changed: {terms}",
    },
    "synonym_term_removed": {
        "ja": "「{term}」を同義語グループ #{id} から外しました: {terms}\n/undo で戻せます。",
        "en": "Took '{term}' out of synonym group #{id}: {terms}\n/undo puts it back.",
    },
    "synonym_deleted": {
        "ja": "同義語グループ #{id} を削除しました: {terms}\n/undo で戻せます。",
        "en": "Deleted synonym group #{id}: {terms}\n/undo brings it back.",
    },
    "synonym_term_not_found": {
        "ja": "「{term}」を含む同義語グループはありません。/synonyms で一覧を確認できます。",
        "en": "No synonym group has the term '{term}'. /synonyms lists them.",
    },
    "synonym_id_not_found": {
        "ja": "同義語グループ #{id} はありません。/synonyms で一覧を確認できます。",
        "en": "There is no synonym group #{id}. /synonyms lists them.",
    },
    "synonym_invalid": {
        "ja": "保存していません: {reason}",
        "en": "Not saved: {reason}",
    },
    "reason_too_few_terms": {
        "ja": "違う語を2つ以上、「=」で区切って書いてください",
        "en": "a group needs at least two different terms, separated by '='",
    },
    "reason_term_separator": {
        "ja": "語に「|」や「=」は使えません",
        "en": "a term may not contain '|' or '='",
    },
    "reason_term_too_long": {"ja": "語は{max}文字までです", "en": "a term may be at most {max} characters long"},
    "undo_conflict_synonyms": {
        "ja": "取り消せません: 同義語グループ #{id} はその後ほかの変更を受けたか、その語がほかのグループにあります。/synonyms を確認してください。",
        "en": "Can't undo: synonym group #{id} was changed again since, or one of its terms is in another group now. "
        "See /synonyms.",
    },
    "import_done_file": {"ja": "{file} をインポートしました。", "en": "Imported {file}."},
    "import_done_synonyms": {
        "ja": "同義語グループ: 追加 {added}件、統合 {updated}件、変更なし {unchanged}件、削除 {removed}件。",
        "en": "Synonym groups: {added} added, {updated} merged, {unchanged} unchanged, {removed} removed.",
    },
    "export_caption_synonyms": {
        "ja": "{count}件の事実と{synonyms}件の同義語グループ。このファイルはそのまま /import できます。",
        "en": "{count} facts and {synonyms} synonym groups. /import accepts this file unchanged.",
    },
    "export_synonyms_csv_caption": {
        "ja": "{synonyms}件の同義語グループ（事実のCSVとは別のファイルです）。このファイルも /import できます。",
        "en": "{synonyms} synonym groups (kept apart from the facts CSV). /import accepts this file too.",
    },
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
