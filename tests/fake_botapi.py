"""A stand-in for Telegram's Bot API: answers like the real one and remembers what was sent.

Used two ways, with the same answers: in-process as PTB's request layer
(`OfflineRequest`), and as a real HTTP server on 127.0.0.1 (`BotApiServer`) for
the end-to-end test that runs `factbot run`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

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
    """The Bot API answers this call with an error (HTTP 400), like Telegram's 'chat not found'."""


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

    def queue_update(self, update: dict[str, Any]) -> None:
        """Deliver `update` to the next getUpdates (for the long-polling test)."""
        with self._new_update:
            self._updates.append({"update_id": next(self._update_ids), **update})
            self._new_update.notify_all()

    # -- answering ---------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None) -> Any:
        """The `result` the real Bot API would return for this call."""
        if method != "getUpdates":
            self.calls.append(Call(method, params, files or {}))
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
            return 400, json.dumps({"ok": False, "error_code": 400, "description": str(refusal)}).encode()
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
                delivered = self._reply(200, {"ok": True, "result": api.handle(method, params, files)})
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
                    return False
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
