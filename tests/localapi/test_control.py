"""The /_emulator/ control endpoints and the standalone server entry."""

from __future__ import annotations

import asyncio
import base64
import sys

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError

from bot.localapi import BotApiEmulator
from tests.localapi.conftest import TOKEN, USER, call


async def test_user_side_over_http(emu: BotApiEmulator, bot: Bot, http: httpx.AsyncClient) -> None:
    reply = await http.post("/_emulator/send_text", json={"user_id": USER, "text": "/start"})
    assert reply.json()["ok"] is True
    update_id = reply.json()["update_id"]
    [update] = await bot.get_updates()
    assert update.update_id == update_id and update.message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="done")]])
    sent = await bot.send_message(USER, "Finished?", reply_markup=keyboard)

    listed = (await http.get("/_emulator/messages", params={"chat_id": USER})).json()
    assert listed["messages"][0]["text"] == "Finished?"
    assert listed["messages"][0]["labels"] == ["Done"]
    assert listed["messages"][0]["buttons"] == [[{"label": "Done", "data": "done", "url": None}]]

    pressed = await http.post("/_emulator/press_label", json={"user_id": USER, "label": "Done"})
    missing = await http.post("/_emulator/press_label", json={"user_id": USER, "label": "Nope"})
    assert missing.status_code == 404 and "Nope" in missing.json()["error"]
    forged = await http.post(
        "/_emulator/press", json={"user_id": USER, "message_id": sent.message_id, "data": "x"}
    )
    updates = await bot.get_updates(offset=update_id + 1)
    assert [u.update_id for u in updates] == [
        pressed.json()["update_id"],
        forged.json()["update_id"],
    ]
    assert [u.callback_query.data for u in updates if u.callback_query] == ["done", "x"]

    stats = (await http.get("/_emulator/stats")).json()
    assert stats["sent"] == 1 and stats["sent_by_chat"] == {str(USER): 1}
    assert stats["pending_updates"] == 2 and stats["rate"]["sends"] == 1
    assert stats["confirmed_offset"] == update_id + 1


async def test_send_document_json_and_multipart(
    emu: BotApiEmulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    content = b"date,kg\n2024-05-01,100\n"
    as_json = await http.post(
        "/_emulator/send_document",
        json={
            "user_id": USER,
            "filename": "a.csv",
            "content_base64": base64.b64encode(content).decode(),
        },
    )
    as_multipart = await http.post(
        "/_emulator/send_document",
        data={"user_id": str(USER), "caption": "import"},
        files={"file": ("b.csv", content, "text/csv")},
    )
    assert as_json.json()["ok"] and as_multipart.json()["ok"]
    first, second = await bot.get_updates()
    assert first.message is not None and second.message is not None
    assert first.message.document is not None and second.message.document is not None
    assert second.message.caption == "import"
    for document in (first.message.document, second.message.document):
        data = await (await bot.get_file(document.file_id)).download_as_bytearray()
        assert bytes(data) == content
    bad = await http.post("/_emulator/send_document", json={"user_id": USER, "filename": "x"})
    assert bad.status_code == 400


async def test_faults_block_reset_and_waits(
    emu: BotApiEmulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    await http.post("/_emulator/send_text", json={"user_id": USER, "text": "hi"})
    added = await http.post("/_emulator/faults", json={"method": "sendMessage", "kind": "500"})
    assert added.json()["faults"][0]["kind"] == "500"
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "x")
    assert (await http.delete("/_emulator/faults")).json() == {"ok": True}
    assert (await http.get("/_emulator/faults")).json()["faults"] == []
    invalid = await http.post("/_emulator/faults", json={"kind": "teapot"})
    assert invalid.status_code == 400

    await http.post("/_emulator/block", json={"user_id": USER})
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "x")
    await http.post("/_emulator/unblock", json={"user_id": USER})

    waiter = asyncio.create_task(
        http.post("/_emulator/wait_for_messages", json={"chat_id": USER, "count": 1})
    )
    await bot.send_message(USER, "arrived")
    waited = (await asyncio.wait_for(waiter, 5)).json()
    assert [m["text"] for m in waited["messages"]] == ["arrived"]
    timed_out = await http.post(
        "/_emulator/wait_for_messages", json={"chat_id": USER, "count": 5, "timeout": 0.05}
    )
    assert timed_out.status_code == 408 and "arrived" in timed_out.json()["error"]

    log = (await http.get("/_emulator/requests", params={"limit": 2})).json()["requests"]
    assert [entry["method"] for entry in log] == ["sendMessage", "sendMessage"]

    assert (await http.post("/_emulator/reset")).json() == {"ok": True}
    assert emu.messages(USER) == [] and emu.sent_count() == 0
    stats = (await http.get("/_emulator/stats")).json()
    assert stats["pending_updates"] == 0 and stats["sent"] == 0


async def test_wait_helpers_explain_timeouts(emu: BotApiEmulator) -> None:
    await emu.send_text(USER, "hi")
    with pytest.raises(TimeoutError, match="0 sent"):
        await emu.wait_for_messages(USER, 1, timeout=0.05)
    with pytest.raises(TimeoutError, match="not confirmed"):
        await emu.wait_confirmed(1, timeout=0.05)


async def test_module_entry_serves_alone() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.localapi",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        assert line.startswith("Bot API emulator on http://127.0.0.1:")
        base_url = line.rsplit("BOT_API_URL=", 1)[1].rstrip(")")
        async with httpx.AsyncClient(base_url=base_url.removesuffix("/bot")) as client:
            await client.post("/_emulator/send_text", json={"user_id": 1, "text": "hi"})
            async with Bot(TOKEN, base_url=base_url) as remote_bot:
                assert (await remote_bot.get_me()).username == "upper_back_coach_bot"
                assert len(await remote_bot.get_updates()) == 1
            assert (await call(client, "sendMessage", chat_id=1, text="yo")).json()["ok"]
    finally:
        process.terminate()
        await process.wait()
