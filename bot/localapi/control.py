"""HTTP control endpoints under ``/_emulator/`` for out-of-process drivers.

Benchmarks run the bot in another process and ``coach emulator`` serves the
emulator alone, so the user side of :class:`BotApiEmulator` is mirrored here
as small JSON endpoints. Answers are ``{"ok": true, ...}`` or
``{"ok": false, "error": "..."}`` with 400 (bad input), 404 (nothing to
press) or 408 (a wait timed out).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.localapi.faults import Fault, RateLimit
from bot.localapi.models import BotMessage

if TYPE_CHECKING:
    from bot.localapi.emulator import BotApiEmulator

PREFIX = "/_emulator"
Endpoint = Callable[[web.Request], Awaitable[dict[str, Any]]]


def _ok(**body: Any) -> dict[str, Any]:
    return {"ok": True, **body}


def message_json(message: BotMessage) -> dict[str, Any]:
    """A BotMessage as JSON (file bytes base64-encoded)."""
    data = asdict(message)
    data["labels"] = message.labels
    for key in ("photo", "document"):
        raw = data[key]
        data[key] = base64.b64encode(raw).decode("ascii") if raw is not None else None
    return data


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    raw = await request.read()
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("JSON object expected")
    return data


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _wrap(handler: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def run(request: web.Request) -> web.StreamResponse:
        try:
            body = await handler(request)
        except KeyError as exc:
            return web.json_response({"ok": False, "error": f"missing field {exc}"}, status=400)
        except LookupError as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=404)
        except TimeoutError as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=408)
        except (ValueError, TypeError, binascii.Error) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        return web.json_response(body)

    return run


class ControlEndpoints:
    """Handlers bound to one emulator."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emu = emulator

    async def send_text(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        update_id = await self.emu.send_text(
            int(body["user_id"]),
            str(body["text"]),
            chat_id=_opt_int(body.get("chat_id")),
            chat_type=str(body.get("chat_type", "private")),
            first_name=str(body.get("first_name", "Lifter")),
        )
        return _ok(update_id=update_id)

    async def edit_text(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        update_id = await self.emu.edit_text(
            int(body["user_id"]),
            int(body["message_id"]),
            str(body["text"]),
            chat_id=_opt_int(body.get("chat_id")),
        )
        return _ok(update_id=update_id)

    async def press(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        update_id = await self.emu.press(
            int(body["user_id"]),
            int(body["message_id"]),
            str(body["data"]),
            chat_id=_opt_int(body.get("chat_id")),
        )
        return _ok(update_id=update_id)

    async def press_label(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        update_id = await self.emu.press_label(
            int(body["user_id"]), str(body["label"]), chat_id=_opt_int(body.get("chat_id"))
        )
        return _ok(update_id=update_id)

    async def send_document(self, request: web.Request) -> dict[str, Any]:
        """Multipart (fields + a file part) or JSON with ``content_base64``."""
        fields: dict[str, Any]
        if request.content_type == "multipart/form-data":
            form = await request.post()
            fields = {}
            content: bytes | None = None
            filename: str | None = None
            mime: str | None = None
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    filename = value.filename
                    mime = value.content_type
                else:
                    fields[key] = value
            if content is None:
                raise ValueError("multipart send_document needs a file part")
            fields.setdefault("filename", filename or "file")
            if mime and "mime_type" not in fields:
                fields["mime_type"] = mime
        else:
            fields = await _body(request)
            content = base64.b64decode(str(fields["content_base64"]), validate=True)
        update_id = await self.emu.send_document(
            int(fields["user_id"]),
            str(fields["filename"]),
            content,
            mime_type=str(fields.get("mime_type") or "text/csv"),
            caption=fields.get("caption") or None,
            chat_id=_opt_int(fields.get("chat_id")),
        )
        return _ok(update_id=update_id)

    async def push_update(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        update = body.get("update", body)
        return _ok(update_id=await self.emu.push_update(update))

    async def redeliver(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        return _ok(update_id=await self.emu.redeliver(int(body["update_id"])))

    async def messages(self, request: web.Request) -> dict[str, Any]:
        chat_id = int(request.query["chat_id"])
        return _ok(messages=[message_json(m) for m in self.emu.messages(chat_id)])

    async def stats(self, request: web.Request) -> dict[str, Any]:
        return _ok(**self.emu.stats())

    async def requests(self, request: web.Request) -> dict[str, Any]:
        limit = int(request.query.get("limit", "100"))
        recent = list(self.emu.requests)[-limit:] if limit > 0 else []
        return _ok(requests=[{"method": m, "params": p} for m, p in recent])

    async def add_faults(self, request: web.Request) -> dict[str, Any]:
        raw = await request.json()
        specs = raw if isinstance(raw, list) else [raw]
        for spec in specs:
            self.emu.add_fault(Fault(**spec))
        return _ok(faults=[f.describe() for f in self.emu.faults.active])

    async def list_faults(self, request: web.Request) -> dict[str, Any]:
        return _ok(faults=[f.describe() for f in self.emu.faults.active])

    async def clear_faults(self, request: web.Request) -> dict[str, Any]:
        self.emu.clear_faults()
        return _ok()

    async def block(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        user_id = int(body["user_id"])
        if body.get("blocked", True):
            self.emu.block(user_id)
        else:
            self.emu.unblock(user_id)
        return _ok(blocked=sorted(self.emu.world.blocked))

    async def unblock(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        self.emu.unblock(int(body["user_id"]))
        return _ok(blocked=sorted(self.emu.world.blocked))

    async def reset(self, request: web.Request) -> dict[str, Any]:
        self.emu.reset()
        return _ok()

    async def rate_limit(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        self.emu.rate_limit = RateLimit(**body) if body else None
        limit = self.emu.rate_limit
        return _ok(rate_limit=asdict(limit) if limit else None)

    async def wait_for_messages(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        messages = await self.emu.wait_for_messages(
            int(body["chat_id"]), int(body["count"]), float(body.get("timeout", 10.0))
        )
        return _ok(messages=[message_json(m) for m in messages])

    async def wait_confirmed(self, request: web.Request) -> dict[str, Any]:
        body = await _body(request)
        await self.emu.wait_confirmed(int(body["update_id"]), float(body.get("timeout", 10.0)))
        return _ok()


def add_control_routes(app: web.Application, emulator: BotApiEmulator) -> None:
    """Mount the control endpoints on the emulator's app."""
    c = ControlEndpoints(emulator)
    post = {
        "send_text": c.send_text,
        "edit_text": c.edit_text,
        "press": c.press,
        "press_label": c.press_label,
        "send_document": c.send_document,
        "push_update": c.push_update,
        "redeliver": c.redeliver,
        "faults": c.add_faults,
        "block": c.block,
        "unblock": c.unblock,
        "reset": c.reset,
        "rate_limit": c.rate_limit,
        "wait_for_messages": c.wait_for_messages,
        "wait_confirmed": c.wait_confirmed,
    }
    get = {
        "messages": c.messages,
        "stats": c.stats,
        "requests": c.requests,
        "faults": c.list_faults,
    }
    for name, handler in post.items():
        app.router.add_post(f"{PREFIX}/{name}", _wrap(handler))
    for name, handler in get.items():
        app.router.add_get(f"{PREFIX}/{name}", _wrap(handler))
    app.router.add_delete(f"{PREFIX}/faults", _wrap(c.clear_faults))
