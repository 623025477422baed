"""Your data: /history, /prs, /progress, /export, /import (and CSV files), /deletemydata.

Thin adapters over HistoryService, TransferService and PrivacyService. Buttons carry
`<prefix>:<user id>:...` and only the lifter they were made for may press them; a press
edits its own message in place (a page of history, an answered question).
"""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import CoachContext, services
from bot.handlers import callback_data
from bot.handlers.respond import acknowledge, acknowledge_owner
from bot.messaging import keyboard, send
from bot.replies import Outcome, Reply
from bot.scheduling.timers import cancel_rest
from bot.services import history, privacy, transfer
from bot.services.history import HistoryService
from bot.services.privacy import PrivacyService
from bot.services.transfer import TransferService
from bot.texts import common as common_texts
from bot.texts import data as texts

DATA_COMMANDS = ("history", "prs", "progress", "export", "import", "deletemydata")


def _history(context: CoachContext) -> HistoryService:
    svc = services(context)
    return HistoryService(svc.db, svc.clock)


def _transfer(context: CoachContext) -> TransferService:
    svc = services(context)
    return TransferService(svc.db, svc.clock)


def _ids(update: Update) -> tuple[int, int]:
    """(user id, chat id) of the update."""
    assert update.effective_user is not None and update.effective_chat is not None
    return update.effective_user.id, update.effective_chat.id


def _argument(context: CoachContext) -> str:
    return " ".join(context.args or [])


async def show_history(update: Update, context: CoachContext) -> None:
    """`/history [exercise]`: the last workouts, or the last sessions of one exercise."""
    user_id, chat_id = _ids(update)
    outcome = await _history(context).history(user_id, _argument(context))
    await send(context.bot, chat_id, outcome.replies)


async def show_records(update: Update, context: CoachContext) -> None:
    """`/prs`: personal records per exercise."""
    user_id, chat_id = _ids(update)
    await send(context.bot, chat_id, (await _history(context).records(user_id)).replies)


async def show_progress(update: Update, context: CoachContext) -> None:
    """`/progress <exercise>`: a chart, drawn off the event loop by the service."""
    user_id, chat_id = _ids(update)
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    outcome = await _history(context).progress(user_id, _argument(context))
    await send(context.bot, chat_id, outcome.replies)


async def export(update: Update, context: CoachContext) -> None:
    """`/export` or `/export strong`: every set as a CSV document."""
    user_id, chat_id = _ids(update)
    outcome = await _transfer(context).export(user_id, _argument(context))
    await send(context.bot, chat_id, outcome.replies)


async def explain_import(update: Update, context: CoachContext) -> None:
    """`/import`: how to get the file; any CSV sent afterwards (or before) is previewed."""
    _, chat_id = _ids(update)
    await send(context.bot, chat_id, [Reply(texts.IMPORT_HOW)])


async def on_document(update: Update, context: CoachContext) -> None:
    """A file: an import the lifter wants to see before it happens."""
    user_id, chat_id = _ids(update)
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if transfer.too_big(document.file_size):
        await send(context.bot, chat_id, [Reply(texts.FILE_TOO_BIG)])
        return
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    file = await context.bot.get_file(document.file_id)
    content = bytes(await file.download_as_bytearray())
    assert update.effective_user is not None
    outcome = await _transfer(context).preview(
        user_id,
        update.effective_user.first_name,
        document.file_name or "",
        document.mime_type or "",
        content,
    )
    await send(context.bot, chat_id, outcome.replies)


async def ask_delete(update: Update, context: CoachContext) -> None:
    """`/deletemydata`: ask before deleting anything."""
    user_id, chat_id = _ids(update)
    outcome = await PrivacyService(services(context).db).ask(user_id)
    await send(context.bot, chat_id, outcome.replies)


async def on_button(update: Update, context: CoachContext) -> None:
    """[Older]/[Newer], [Import]/[Cancel], [Delete everything]/[Keep my data]."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parsed = callback_data.parse_any(query.data)
    if parsed is None:
        await acknowledge(query, common_texts.STALE_BUTTON)
        return
    prefix, (owner, *values) = parsed
    args = ":".join(str(value) for value in values)
    user_id = update.effective_user.id
    if not await acknowledge_owner(query, owner, user_id):
        return
    if prefix == history.PREFIX:
        outcome = Outcome(replies=[await _history(context).turn_page(user_id, args)])
    elif prefix == transfer.PREFIX:
        outcome = await _transfer(context).answer(user_id, args)
    elif prefix == privacy.PREFIX and args == "yes":
        outcome = await PrivacyService(services(context).db).delete(user_id)
        cancel_rest(context.application, user_id)  # reminders: the rows are gone
    else:
        outcome = Outcome().say(texts.KEPT)
    await _edit(query, outcome)


async def _edit(query: CallbackQuery, outcome: Outcome) -> None:
    """Show the first reply in place of the pressed message; send any others after it."""
    first, *others = outcome.replies
    try:
        await query.edit_message_text(first.text, reply_markup=keyboard(first))
    except BadRequest as error:
        if "not modified" not in str(error).casefold():
            raise
    if others and query.message is not None:
        await send(query.get_bot(), query.message.chat.id, others)


async def private_only(update: Update, context: CoachContext) -> None:
    """In groups, a lifter's data stays out of sight."""
    _, chat_id = _ids(update)
    await send(context.bot, chat_id, [Reply(texts.PRIVATE_DATA)])


def build_data_handlers() -> list[BaseHandler]:
    """Commands, buttons and file uploads of the lifter's data (private chats only)."""
    private = filters.ChatType.PRIVATE
    prefixes = "|".join((history.PREFIX, transfer.PREFIX, privacy.PREFIX))
    return [
        CommandHandler("history", show_history, filters=private),
        CommandHandler("prs", show_records, filters=private),
        CommandHandler("progress", show_progress, filters=private),
        CommandHandler("export", export, filters=private),
        CommandHandler("import", explain_import, filters=private),
        CommandHandler("deletemydata", ask_delete, filters=private),
        CommandHandler(DATA_COMMANDS, private_only),
        MessageHandler(filters.Document.ALL & private, on_document),
        CallbackQueryHandler(on_button, pattern=rf"^({prefixes}):"),
    ]
