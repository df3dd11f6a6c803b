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
}


def message(name: str, lang: Lang, **values: object) -> str:
    """The named message in `lang`, with `values` filled in (unescaped)."""
    return MESSAGES[name][lang].format(**values)
