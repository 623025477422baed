"""The Bot API methods through the real PTB Bot, and their JSON shape against the spec."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken

from bot.localapi import BotApiEmulator, Button
from bot.localapi.validation import Spec, check_object
from tests.localapi.conftest import TOKEN, USER, assert_shape, call, png

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Log a set", callback_data="log:1")],
        [InlineKeyboardButton("Docs", url="https://example.com/guide")],
    ]
)


async def test_get_me_is_the_coach_bot(bot: Bot, http: httpx.AsyncClient, spec: Spec) -> None:
    me = await bot.get_me()
    assert me.id == 123456789
    assert me.is_bot and me.username == "upper_back_coach_bot"
    assert me.first_name == "Upper Back Coach"
    raw = (await call(http, "getMe")).json()
    assert raw["ok"] is True
    assert_shape(spec, "User", raw["result"])
    for flag in ("can_join_groups", "can_read_all_group_messages", "supports_inline_queries"):
        assert isinstance(raw["result"][flag], bool)


async def test_send_message_has_telegram_shape(
    emu: BotApiEmulator, http: httpx.AsyncClient, spec: Spec
) -> None:
    await emu.send_text(USER, "hi")
    reply = await call(http, "sendMessage", chat_id=USER, text="<b>Row</b> day", parse_mode="HTML")
    body = reply.json()
    assert reply.status_code == 200 and body["ok"] is True
    message = body["result"]
    assert_shape(spec, "Message", message)
    assert isinstance(message["date"], int) and message["date"] > 1_600_000_000
    assert message["from"]["is_bot"] is True
    assert message["chat"] == {"id": USER, "first_name": "Lifter", "type": "private"}
    assert message["text"] == "Row day"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 3}]


async def test_send_message_form_encoded_like_ptb(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Pick one", reply_markup=KEYBOARD)
    assert sent.reply_markup == KEYBOARD
    [message] = emu.messages(USER)
    assert message.text == "Pick one"
    assert message.buttons == [
        [Button("Log a set", "log:1", None)],
        [Button("Docs", None, "https://example.com/guide")],
    ]
    assert message.labels == ["Log a set", "Docs"]
    assert emu.sent_count(USER) == 1 and emu.sent_count() == 1
    method, params = emu.requests[-1]
    assert method == "sendMessage" and params["chat_id"] == USER
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "log:1"


async def test_user_commands_get_bot_command_entities(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "/start")
    await emu.send_text(77, "/log@upper_back_coach_bot 5x5", chat_id=-100, first_name="Ann")
    updates = await bot.get_updates()
    private, group = (u.message for u in updates)
    assert private is not None and group is not None
    assert [(e.type, e.offset, e.length) for e in private.entities] == [("bot_command", 0, 6)]
    assert [(e.type, e.offset, e.length) for e in group.entities] == [
        ("bot_command", 0, len("/log@upper_back_coach_bot"))
    ]
    assert group.chat.type == "group" and group.chat.id == -100
    assert group.from_user is not None and group.from_user.id == 77
    assert group.chat.title


async def test_updates_match_spec(emu: BotApiEmulator, http: httpx.AsyncClient, spec: Spec) -> None:
    await emu.send_text(USER, "/start")
    sent = await call(http, "sendMessage", chat_id=USER, text="go", reply_markup=KEYBOARD.to_dict())
    await emu.press(USER, sent.json()["result"]["message_id"], "log:1")
    await emu.send_document(USER, "sets.csv", b"a,b\n1,2\n")
    updates = (await call(http, "getUpdates")).json()["result"]
    assert [next(k for k in u if k != "update_id") for u in updates] == [
        "message",
        "callback_query",
        "message",
    ]
    for update in updates:
        assert_shape(spec, "Update", update)


async def test_callback_round_trip_via_press_label(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "/menu")
    await bot.send_message(USER, "Menu", reply_markup=KEYBOARD)
    await bot.get_updates()
    update_id = await emu.press_label(USER, "log a set")  # case-insensitive fallback
    [update] = await bot.get_updates(offset=update_id)
    query = update.callback_query
    assert query is not None and query.data == "log:1"
    assert query.from_user.id == USER and query.chat_instance
    assert query.message is not None and query.message.text == "Menu"
    assert await query.answer(text="Logged!")
    assert emu.callback_answers[-1]["text"] == "Logged!"
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")


async def test_press_allows_forged_data_and_press_label_explains(
    emu: BotApiEmulator, bot: Bot
) -> None:
    await emu.send_text(USER, "hi")
    with pytest.raises(LookupError, match="no bot message with an inline keyboard"):
        await emu.press_label(USER, "Log a set")
    sent = await bot.send_message(USER, "Menu", reply_markup=KEYBOARD)
    with pytest.raises(LookupError, match=r"\['Log a set', 'Docs'\]"):
        await emu.press_label(USER, "Delete everything")
    with pytest.raises(LookupError, match="no callback_data"):
        await emu.press_label(USER, "Docs")
    await emu.press(USER, sent.message_id, "admin:wipe")
    updates = await bot.get_updates()
    assert updates[-1].callback_query is not None
    assert updates[-1].callback_query.data == "admin:wipe"


async def test_edit_and_delete(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    sent = await bot.send_message(USER, "Set 1/3", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Set 2/3", chat_id=USER, message_id=sent.message_id)
    assert not isinstance(edited, bool) and edited.edit_date is not None
    [message] = emu.messages(USER)
    assert message.text == "Set 2/3" and message.edited and message.buttons == []
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=KEYBOARD)
    assert emu.messages(USER)[0].labels == ["Log a set", "Docs"]
    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Set 2/3", chat_id=USER, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("hacked", chat_id=USER, message_id=1)
    assert await bot.delete_message(USER, sent.message_id)
    assert emu.messages(USER) == []
    assert emu.sent_count(USER) == 1  # edits are not sends; deleted sends still count
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=sent.message_id)


async def test_user_edit_produces_edited_message(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "bench 80")
    await emu.edit_text(USER, 1, "bench 85")
    updates = await bot.get_updates()
    edited = updates[-1].edited_message
    assert edited is not None and edited.text == "bench 85" and edited.edit_date is not None
    with pytest.raises(LookupError):
        await emu.edit_text(USER, 99, "nope")


async def test_send_photo_stores_bytes_and_sizes(
    emu: BotApiEmulator, bot: Bot, http: httpx.AsyncClient, spec: Spec
) -> None:
    await emu.send_text(USER, "/chart")
    image = png(400, 300)
    sent = await bot.send_photo(USER, photo=image, caption="Weekly volume")
    sizes = [(p.width, p.height) for p in sent.photo]
    assert sizes == [(90, 68), (320, 240), (400, 300)]
    [message] = emu.messages(USER)
    assert message.photo == image and message.caption == "Weekly volume"
    again = await call(http, "sendPhoto", chat_id=USER, photo=sent.photo[-1].file_id)
    assert_shape(spec, "Message", again.json()["result"])
    assert emu.messages(USER)[-1].photo == image
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, photo=b"definitely not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(USER, photo="AgACAgIAAxkBAAIunknown")


async def test_document_from_user_downloads_same_bytes(
    emu: BotApiEmulator, bot: Bot, http: httpx.AsyncClient, spec: Spec
) -> None:
    content = b"date,exercise,kg\n2024-01-01,row,80\n"
    await emu.send_document(USER, "history.csv", content, caption="my log")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    document = update.message.document
    assert document.file_name == "history.csv" and document.mime_type == "text/csv"
    assert document.file_size == len(content) and update.message.caption == "my log"
    file = await bot.get_file(document.file_id)
    assert file.file_size == len(content)
    assert bytes(await file.download_as_bytearray()) == content
    raw = (await call(http, "getFile", file_id=document.file_id)).json()["result"]
    assert_shape(spec, "File", raw)
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")
    missing = await http.get(f"/file/bot{TOKEN}/documents/nothing.csv")
    assert missing.status_code == 404


async def test_bot_sends_document(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "/export")
    sent = await bot.send_document(USER, document=b"a;b\n", filename="export.csv")
    assert sent.document is not None and sent.document.file_name == "export.csv"
    [message] = emu.messages(USER)
    assert message.document == b"a;b\n" and message.filename == "export.csv"


async def test_telegram_error_replies(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    cases = [
        (bot.send_message(USER, ""), "Message text is empty"),
        (bot.send_message(USER, "   \n "), "Message text is empty"),
        (bot.send_message(USER, "x" * 4097), "Message is too long"),
        (bot.send_message(USER, "💪" * 2049), "Message is too long"),  # UTF-16 counts 2 each
        (bot.send_message(999, "hello"), "Chat not found"),
        (bot.send_message(USER, "<b>unclosed", parse_mode="HTML"), "Can't parse entities"),
        (bot.send_photo(USER, png(2, 2), caption="c" * 1025), "Message caption is too long"),
        (
            bot.send_message(
                USER,
                "x",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("b", callback_data="d" * 65)]]
                ),
            ),
            "Button_data_invalid",
        ),
        (
            bot.send_message(
                USER,
                "x",
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("", callback_data="d")]]),
            ),
            "Button_text_invalid",
        ),
        (bot.set_my_commands([BotCommand("Bad-Name", "x")]), "Bot_command_invalid"),
        (bot.set_my_commands([BotCommand("a" * 33, "x")]), "Bot_command_invalid"),
        (bot.set_my_commands([BotCommand("", "x")]), "Command must be non-empty"),
        (bot.set_my_commands([BotCommand("ok", " ")]), "Command description must be non-empty"),
    ]
    for coroutine, expected in cases:
        with pytest.raises(BadRequest) as caught:
            await coroutine
        assert caught.value.message.startswith(expected), (expected, caught.value.message)
    assert emu.sent_count() == 0
    assert await bot.send_message(USER, "💪" * 2048)  # exactly 4096 UTF-16 units


async def test_exact_descriptions_on_the_wire(emu: BotApiEmulator, http: httpx.AsyncClient) -> None:
    await emu.send_text(USER, "hi")
    expectations = [
        ({"chat_id": USER}, "Bad Request: message text is empty"),
        ({"text": "x"}, "Bad Request: chat_id is empty"),
        ({"chat_id": 777, "text": "x"}, "Bad Request: chat not found"),
        (
            {"chat_id": USER, "text": "<b><i>test</b></i>", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: Unmatched end tag at byte offset 10, "
            'expected "</i>", found "</b>"',
        ),
        (
            {"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "b"}]]}},
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
            "inline keyboard",
        ),
        (
            {"chat_id": USER, "text": "x", "parse_mode": "Bogus"},
            "Bad Request: unsupported parse_mode",
        ),
    ]
    for params, description in expectations:
        reply = await call(http, "sendMessage", **params)
        assert reply.status_code == 400
        assert reply.json() == {"ok": False, "error_code": 400, "description": description}


async def test_blocked_user_gets_403(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    emu.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "still there?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    emu.unblock(USER)
    assert await bot.send_message(USER, "welcome back")


async def test_commands_round_trip(emu: BotApiEmulator, bot: Bot) -> None:
    commands = [BotCommand("start", "Begin"), BotCommand("log", "Log a set")]
    assert await bot.set_my_commands(commands)
    assert emu.commands == [c.to_dict() for c in commands]
    assert list(await bot.get_my_commands()) == commands
    assert await bot.delete_my_commands()
    assert list(await bot.get_my_commands()) == []


async def test_chat_action_close_logout(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    assert await bot.send_chat_action(USER, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action in request"):
        await bot.send_chat_action(USER, "dancing")
    assert await bot.close()
    assert await bot.log_out()


async def test_token_method_and_encoding_edges(
    emu: BotApiEmulator, http: httpx.AsyncClient, bot: Bot
) -> None:
    bad = await http.post("/botnot-a-token/getMe")
    assert bad.status_code == 401
    assert bad.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        async with Bot("nonsense", base_url=emu.base_url):
            pass
    unknown = await http.get(f"/bot{TOKEN}/makeCoffee")
    assert unknown.status_code == 404 and unknown.json()["description"] == "Not Found"
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("makeCoffee")
    # Method names are case-insensitive, GET + query string works, spec-only setters succeed.
    assert (await http.get(f"/bot{TOKEN}/GETME")).json()["result"]["id"] == 123456789
    assert (await http.get(f"/bot{TOKEN}/setMyDescription?description=x")).json()["result"]
    await emu.send_text(USER, "hi")
    form = await http.post(f"/bot{TOKEN}/sendMessage?chat_id={USER}", data={"text": "from a form"})
    assert form.json()["result"]["text"] == "from a form"
    broken = await http.post(
        f"/bot{TOKEN}/sendMessage",
        data={"chat_id": str(USER), "text": "x", "reply_markup": "{not json"},
    )
    assert broken.json()["description"] == (
        "Bad Request: can't parse reply keyboard markup JSON object"
    )


async def test_reply_parameters(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "how many sets?")
    reply = await bot.send_message(USER, "Three.", reply_to_message_id=1)
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "how many sets?"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(USER, "?", reply_to_message_id=404)
    assert await bot.send_message(
        USER, "ok", reply_to_message_id=404, allow_sending_without_reply=True
    )


async def test_works_without_the_spec() -> None:
    async with BotApiEmulator(spec_path=Path("/nonexistent/api.min.json")) as emu:
        assert not emu.spec.available
        async with Bot(TOKEN, base_url=emu.base_url) as ptb_bot:
            await emu.send_text(USER, "hi")
            assert (await ptb_bot.send_message(USER, "still works")).text == "still works"
            with pytest.raises(BadRequest, match="Message text is empty"):
                await ptb_bot.send_message(USER, "")
        async with httpx.AsyncClient(base_url=emu.url) as client:
            # Without the spec only the emulated methods exist.
            assert (await call(client, "setChatTitle", chat_id=USER, title="x")).status_code == 404
            assert (await call(client, "setMyDescription", description="x")).json()["ok"]


async def test_every_emulated_method_returns_its_spec_type(
    emu: BotApiEmulator, http: httpx.AsyncClient, spec: Spec
) -> None:
    """Each result has the spec's return type: required fields, JSON types."""
    await emu.send_document(USER, "in.csv", b"x,y\n")
    updates = (await call(http, "getUpdates")).json()["result"]
    file_id = updates[0]["message"]["document"]["file_id"]
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    text = (await call(http, "sendMessage", chat_id=USER, text="t", reply_markup=markup)).json()
    text_id = text["result"]["message_id"]
    photo = await http.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(USER), "caption": "c"},
        files={"photo": ("p.png", png(64, 32), "image/png")},
    )
    photo_id = photo.json()["result"]["message_id"]
    callback = await emu.press(USER, text_id, "a")
    query_id = (await call(http, "getUpdates", offset=callback)).json()["result"][0][
        "callback_query"
    ]["id"]
    calls: list[tuple[str, dict[str, object]]] = [
        ("getMe", {}),
        ("getUpdates", {"offset": callback}),
        ("sendMessage", {"chat_id": USER, "text": "<i>x</i>", "parse_mode": "HTML"}),
        ("sendDocument", {"chat_id": USER, "document": file_id, "caption": "again"}),
        ("editMessageText", {"chat_id": USER, "message_id": text_id, "text": "t2"}),
        (
            "editMessageReplyMarkup",
            {"chat_id": USER, "message_id": text_id, "reply_markup": markup},
        ),
        ("editMessageCaption", {"chat_id": USER, "message_id": photo_id, "caption": "c2"}),
        ("answerCallbackQuery", {"callback_query_id": query_id}),
        ("getFile", {"file_id": file_id}),
        ("sendChatAction", {"chat_id": USER, "action": "typing"}),
        ("setMyCommands", {"commands": [{"command": "start", "description": "Go"}]}),
        ("getMyCommands", {}),
        ("deleteMyCommands", {}),
        ("getWebhookInfo", {}),
        ("deleteWebhook", {}),
        ("getChat", {"chat_id": USER}),
        ("setMyName", {"name": "Coach"}),
        ("getMyName", {}),
        ("setMyDescription", {"description": "Upper back training"}),
        ("getMyDescription", {}),
        ("getMyShortDescription", {"language_code": "de"}),
        ("setChatMenuButton", {"menu_button": {"type": "commands"}}),
        ("getChatMenuButton", {"chat_id": USER}),
        ("pinChatMessage", {"chat_id": USER, "message_id": text_id}),
        ("setMessageReaction", {"chat_id": USER, "message_id": text_id}),
        ("deleteMessage", {"chat_id": USER, "message_id": text_id}),
        ("deleteMessages", {"chat_id": USER, "message_ids": [photo_id, 999]}),
    ]
    for method, params in calls:
        body = (await call(http, method, **params)).json()
        assert body["ok"] is True, (method, body)
        returns = spec.returns(method)
        problems = [check_object(spec, kind, body["result"]) for kind in returns]
        assert any(not p for p in problems), (method, problems)
    assert emu.messages(USER)[-1].caption == "again"  # only the re-sent document is left
