"""A stand-in for Telegram's Bot API: answers like the real one and remembers what was sent.

Used two ways, with the same answers: in-process as PTB's request layer
(`OfflineRequest`), and as a real HTTP server on 127.0.0.1 (`BotApiServer`) for
the end-to-end test that runs `factbot run`.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

BOT_ID = 7000
BOT_USERNAME = "factbot_test_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "factbot", "username": BOT_USERNAME}

# Parameters the Bot API takes as JSON; everything else is a plain string.
_JSON_PARAMS = {
    "chat_id", "message_id", "reply_markup", "reply_parameters", "link_preview_options", "commands", "scope",
    "offset", "limit", "timeout", "allowed_updates", "show_alert", "entities", "disable_notification",
    "results", "cache_time", "is_personal",
}


class ApiRefusal(Exception):
    """The Bot API answers this call with an error: 400 like Telegram's 'chat not found', 429, 5xx."""

    def __init__(self, description: str, status: int = 400, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends with this error."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": str(self)}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class DroppedConnection(Exception):
    """The call never gets an answer: the connection is dropped (the client sees a network error)."""


@dataclass
class Fault:
    """A failure to inject into the next call(s) of `method` ("*": any method but getUpdates)."""

    method: str
    status: int | None = None
    """HTTP status to answer with; None: drop the connection without answering (a timeout)."""
    retry_after: int | None = None
    times: int = 1


SENDING_METHODS = {"sendMessage", "editMessageText", "sendDocument", "editMessageReplyMarkup", "answerCallbackQuery"}


@dataclass
class Call:
    """One Bot API method call the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


class FakeBotApi:
    """The Bot API's behaviour: valid JSON answers, a queue of updates, a record of calls."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}
        self.unknown_chats: set[int] = set()
        """Chats the bot has never seen: per-chat calls about them are refused."""
        self.faults: list[Fault] = []
        """Failures still to inject, first first (see `fail`)."""
        self.outage_until = 0.0
        """Until this `time.monotonic()`, every call fails with 502 (see `outage`)."""
        self.polling_outage = False
        """Whether the outage fails getUpdates too (Telegram down), or only what the bot sends."""
        self.fault_rate = 0.0
        """The share of sending calls that fail at random (500, 502, 429 or a dropped connection)."""
        self._fault_rng = random.Random(0)
        self.listeners: list[Callable[[Call], None]] = []
        """Called with every call that Telegram accepted, as it is accepted (from the server's threads)."""
        self.flood: FloodLimits | None = None
        """Telegram's flood limits, enforced with 429s when set."""
        self.refusals: list[tuple[Call, str]] = []
        """Calls refused because of what the bot sent (bad HTML, too long…): always a bug in the bot."""
        self.injected = 0
        """How many calls failed on purpose (faults, outage, flood limits)."""
        self._lock = threading.Lock()
        self.fetched: dict[int, float] = {}
        """When the bot first fetched each update with getUpdates (`time.monotonic()`)."""
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._new_update = threading.Condition()
        self.delays: dict[str, float] = {}
        """Seconds the HTTP server waits before answering a method (an answer in flight)."""
        self.started: list[str] = []
        """Methods whose HTTP request reached the server, answered or not yet."""
        self.delivered: list[Call] = []
        """Calls whose HTTP answer the bot received in full (the connection was still open)."""

    # -- what tests look at ----------------------------------------------------------

    def sent(self, method: str = "sendMessage") -> list[Call]:
        """The calls of one method, oldest first."""
        return [call for call in self.calls if call.method == method]

    def add_file(self, content: bytes) -> str:
        """Make `content` downloadable as a Telegram file; returns its file_id."""
        file_id = f"file{next(self._file_ids)}"
        self.files[file_id] = content
        return file_id

    def queue_update(self, update: dict[str, Any]) -> int:
        """Deliver `update` to the next getUpdates (for the long-polling test); returns its update_id."""
        with self._new_update:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._new_update.notify_all()
        return update_id

    # -- answering ---------------------------------------------------------------------

    def fail(self, method: str, status: int | None = 500, retry_after: int | None = None, times: int = 1) -> None:
        """Make the next `times` calls of `method` fail: with `status` (429 with `retry_after`), or no answer."""
        self.faults.append(Fault(method, status, retry_after, times))

    def outage(self, seconds: float, polling: bool = False) -> None:
        """Telegram is down for `seconds` from now: every call (with `polling`, getUpdates too) gets 502."""
        self.polling_outage = polling
        self.outage_until = time.monotonic() + seconds

    def random_faults(self, rate: float, seed: int = 0) -> None:
        """Fail this share of sending calls at random, with 500, 502, 429 (retry_after 1) or no answer."""
        self.fault_rate = rate
        self._fault_rng = random.Random(seed)

    def handle(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None) -> Any:
        """The `result` the real Bot API would return for this call.

        :raises ApiRefusal: for an error answer (400, 429, 5xx).
        :raises DroppedConnection: when the call gets no answer at all.
        """
        if method == "getUpdates" and self.polling_outage and time.monotonic() < self.outage_until:
            raise ApiRefusal("Bad Gateway", status=502)
        if method != "getUpdates":
            with self._lock:
                self._inject_failure(method, params)
            call = Call(method, params, files or {})
            problem = output_problem(method, params)
            if problem is not None:
                self.refusals.append((call, problem))
                raise ApiRefusal(f"Bad Request: {problem}")
            self.calls.append(call)
            for listener in self.listeners:
                listener(call)
        scope = params.get("scope")
        if isinstance(scope, dict) and scope.get("chat_id") in self.unknown_chats:
            raise ApiRefusal("Bad Request: chat not found")
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return self._get_updates(int(params.get("offset") or 0), float(params.get("timeout") or 0))
        if method in ("sendMessage", "editMessageText"):
            return self._message(params, text=params.get("text"))
        if method == "sendDocument":
            name, content = (files or {}).get("document", ("file", b""))
            file_id = self.add_file(content)
            document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": len(content)}
            return self._message(params, document=document)
        if method == "sendPhoto":
            _, content = (files or {}).get("photo", ("photo", b""))
            file_id = self.add_file(content)
            photo = [{"file_id": file_id, "file_unique_id": file_id, "width": 1200, "height": 800,
                      "file_size": len(content)}]
            return self._message(params, photo=photo, caption=params.get("caption"))
        if method == "getFile":
            file_id = params["file_id"]
            content = self.files.get(file_id, b"")
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(content), "file_path": file_id}
        if method == "editMessageReplyMarkup":
            return self._message(params, text="edited")
        return True

    def _inject_failure(self, method: str, params: dict[str, Any]) -> None:
        if time.monotonic() < self.outage_until:
            self.injected += 1
            raise ApiRefusal("Bad Gateway", status=502)
        for fault in self.faults:
            if fault.method in (method, "*"):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                self.injected += 1
                if fault.status is None:
                    raise DroppedConnection(method)
                description = "Too Many Requests: retry later" if fault.status == 429 else "Internal Server Error"
                raise ApiRefusal(description, status=fault.status, retry_after=fault.retry_after)
        if self.fault_rate and method in SENDING_METHODS and self._fault_rng.random() < self.fault_rate:
            self.injected += 1
            status = self._fault_rng.choice([500, 502, 429, None])
            if status is None:
                raise DroppedConnection(method)
            raise ApiRefusal("Too Many Requests: retry after 1" if status == 429 else "Internal Server Error",
                             status=status, retry_after=1 if status == 429 else None)
        if self.flood is not None and method in SENDING_METHODS - {"answerCallbackQuery"}:
            retry_after = self.flood.take(params.get("chat_id"))
            if retry_after is not None:
                self.injected += 1
                raise ApiRefusal(f"Too Many Requests: retry after {retry_after}", status=429, retry_after=retry_after)

    def download(self, url: str) -> bytes:
        """The content of a file URL (…/file/bot<token>/<file_path>)."""
        return self.files.get(url.rsplit("/", 1)[-1], b"")

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": params.get("message_id") or next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            **{key: value for key, value in content.items() if value is not None},
        }
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _get_updates(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + min(timeout, 5.0)
        with self._new_update:
            while True:
                pending = [update for update in self._updates if update["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0:
                    now = time.monotonic()
                    for update in pending:
                        self.fetched.setdefault(update["update_id"], now)
                    return pending
                self._new_update.wait(remaining)


class OfflineRequest(BaseRequest):
    """PTB's request layer, answered by a `FakeBotApi` without any network."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_timeouts: Any
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            try:
                with self.api._lock:
                    self.api._inject_failure("download", {})
            except ApiRefusal as refusal:
                return refusal.status, json.dumps(refusal.payload()).encode()
            except DroppedConnection:
                raise TimedOut("the fake Bot API dropped the connection") from None
            return 200, self.api.download(url)
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, tuple[str, bytes]] = {}
        if request_data is not None and request_data.contains_files:
            for name, value in request_data.multipart_data.items():
                if isinstance(value, tuple):
                    files[name] = (value[0], value[1] if isinstance(value[1], bytes) else value[1].read())
        try:
            result = self.api.handle(url.rsplit("/", 1)[-1], params, files)
        except ApiRefusal as refusal:
            return refusal.status, json.dumps(refusal.payload()).encode()
        except DroppedConnection:
            raise TimedOut("the fake Bot API dropped the connection") from None
        return 200, json.dumps({"ok": True, "result": result}).encode()


class BotApiServer:
    """The fake Bot API as an HTTP server on 127.0.0.1, for running the real `factbot run`."""

    def __init__(self, api: FakeBotApi, token: str) -> None:
        self.api = api
        self.token = token
        handler = self._handler_class()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    def __enter__(self) -> BotApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api, token = self.api, self.token
        route = re.compile(rf"^/bot{re.escape(token)}/(\w+)$")
        other_token = re.compile(r"^/bot\d+:[\w-]+/\w+$")

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like Telegram's server: no new connection per call
            disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                match = route.match(self.path)
                if match is None:
                    # Like Telegram: 401 for a well-formed token it does not know, 404 otherwise.
                    if other_token.match(self.path):
                        self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    else:
                        self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = match.group(1)
                api.started.append(method)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params, files = _parse_body(self.headers.get("Content-Type", ""), body)
                time.sleep(api.delays.get(method, 0.0))
                try:
                    delivered = self._reply(200, {"ok": True, "result": api.handle(method, params, files)})
                except ApiRefusal as refusal:
                    self._reply(refusal.status, refusal.payload())
                except DroppedConnection:
                    self.close_connection = True  # no answer at all: the client sees the connection drop
                    self.connection.shutdown(socket.SHUT_RDWR)
                else:
                    if delivered and method != "getUpdates":
                        api.delivered.append(Call(method, params, files))

            do_GET = do_POST

            def _reply(self, status: int, payload: dict[str, Any]) -> bool:
                """Answer; False when the bot had already hung up (a long poll cut short by shutdown)."""
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return False  # the bot stopped waiting (it is shutting down): nobody to answer
                return True

            def log_message(self, *args: object) -> None:
                pass  # keep test output clean

        return Handler


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Form or multipart fields, with the Bot API's JSON parameters decoded."""
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                files[name] = (part.get_filename(), part.get_payload(decode=True))
            else:
                fields[name] = part.get_content()
    elif body:
        fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
    params: dict[str, Any] = {}
    for name, value in fields.items():
        params[name] = json.loads(value) if name in _JSON_PARAMS else value
    return params, files


class FloodLimits:
    """Telegram's flood limits: about 30 messages a second overall, about 1 a second per chat.

    Both are token buckets: a chat may burst a few messages, then one a second.
    A call over either limit is refused with 429 and the seconds to wait.
    """

    def __init__(self, per_second: float = 30, per_chat_per_second: float = 1, chat_burst: int = 3) -> None:
        self.per_second = per_second
        self.per_chat_per_second = per_chat_per_second
        self.chat_burst = chat_burst
        self._overall = (float(per_second), time.monotonic())
        self._chats: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.fetched: dict[int, float] = {}
        """When the bot first fetched each update with getUpdates (`time.monotonic()`)."""

    def take(self, chat_id: object) -> int | None:
        """Count one message to `chat_id`; None if allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            overall = _refill(self._overall, self.per_second, self.per_second, now)
            chat = _refill(self._chats.get(str(chat_id), (float(self.chat_burst), now)),
                           self.per_chat_per_second, self.chat_burst, now)
            if overall < 1 or chat < 1:
                self._overall, self._chats[str(chat_id)] = (overall, now), (chat, now)
                return 1
            self._overall, self._chats[str(chat_id)] = (overall - 1, now), (chat - 1, now)
            return None


def _refill(bucket: tuple[float, float], rate: float, capacity: float, now: float) -> float:
    tokens, then = bucket
    return min(capacity, tokens + (now - then) * rate)


# -- what Telegram refuses in the bot's own output ---------------------------------------------

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
              "tg-spoiler", "blockquote", "tg-emoji"}


def output_problem(method: str, params: dict[str, Any]) -> str | None:
    """Why Telegram would refuse this call because of what the bot put in it, or None.

    Checks what a bot can get wrong: empty or too long text, HTML that does not
    parse (unknown tags, unbalanced tags, a bare `<` or `&`), and buttons whose
    callback data is over 64 bytes.
    """
    if method in ("sendMessage", "editMessageText"):
        text = str(params.get("text") or "")
        problem = _text_problem(text, params.get("parse_mode"), MAX_TEXT)
        if problem:
            return problem
    if method == "sendDocument" and params.get("caption"):
        problem = _text_problem(str(params["caption"]), params.get("parse_mode"), MAX_CAPTION)
        if problem:
            return problem
    if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > 200:
        return "MESSAGE_TOO_LONG"
    markup = params.get("reply_markup")
    if isinstance(markup, dict):
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    return "text buttons are unallowed in the inline keyboard"
                if len(str(button.get("callback_data", "")).encode()) > MAX_CALLBACK_DATA:
                    return "BUTTON_DATA_INVALID"
    return None


def _text_problem(text: str, parse_mode: object, limit: int) -> str | None:
    if not text.strip():
        return "message text is empty"
    if parse_mode == "HTML":
        plain, problem = _parse_html(text)
        if problem:
            return f"can't parse entities: {problem}"
    else:
        plain = text
    if len(plain.encode("utf-16-le")) // 2 > limit:
        return "message is too long"
    if not plain.strip():
        return "message text is empty"
    return None


def _parse_html(text: str) -> tuple[str, str | None]:
    """The text Telegram would show for this HTML, or why it cannot parse it (Telegram's rules, simplified)."""
    import html as html_module

    open_tags: list[str] = []
    plain: list[str] = []
    position = 0
    for match in re.finditer(r"<(/?)([a-zA-Z-]+)((?:\s+[^<>]*)?)>|<|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|&", text):
        plain.append(text[position:match.start()])
        position = match.end()
        token = match.group(0)
        if token == "<":
            return "", f"unsupported start tag at byte offset {match.start()}"
        if token == "&":
            return "", f"unescaped & at byte offset {match.start()}"
        if token.startswith("&"):
            entity = html_module.unescape(token)
            if entity == token and token not in ("&lt;", "&gt;", "&amp;", "&quot;"):
                return "", f"unsupported entity {token}"
            plain.append(entity)
            continue
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in _HTML_TAGS:
            return "", f"unsupported start tag \"{name}\""
        if closing:
            if not open_tags or open_tags[-1] != name:
                return "", f"unmatched end tag \"{name}\""
            open_tags.pop()
        else:
            open_tags.append(name)
    if open_tags:
        return "", f"can't find end tag corresponding to start tag \"{open_tags[-1]}\""
    plain.append(text[position:])
    return "".join(plain), None
