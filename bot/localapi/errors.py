"""Bot API error replies, worded as the real Telegram server words them.

Every method raises :class:`ApiError`; the HTTP layer turns it into
``{"ok": false, "error_code": N, "description": ..., "parameters": ...}`` so
PTB maps it onto the same exception class (BadRequest, Forbidden, RetryAfter,
Conflict, ...) it would raise against api.telegram.org.
"""

from __future__ import annotations

from typing import Any

# Descriptions copied from real Bot API answers (tdlib/telegram-bot-api and
# live-API test suites); keep them byte-identical, bots match on them.
MESSAGE_TEXT_EMPTY = "message text is empty"
MESSAGE_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
CHAT_NOT_FOUND = "chat not found"
CHAT_ID_EMPTY = "chat_id is empty"
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_CANT_BE_EDITED = "message can't be edited"
NO_TEXT_TO_EDIT = "there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "there is no caption in the message to edit"
MESSAGE_ID_NOT_SPECIFIED = "message identifier is not specified"
REPLY_NOT_FOUND = "message to be replied not found"
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
BUTTON_TEXT_INVALID = "BUTTON_TEXT_INVALID"
TEXT_BUTTONS_UNALLOWED = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)
BOT_COMMAND_INVALID = "BOT_COMMAND_INVALID"
COMMAND_EMPTY = "command must be non-empty"
COMMAND_DESCRIPTION_EMPTY = "command description must be non-empty"
TOO_MANY_COMMANDS = "BOT_COMMANDS_TOO_MUCH"
UNSUPPORTED_PARSE_MODE = "unsupported parse_mode"
INVALID_FILE_ID = "invalid file_id"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"
URL_FETCH_FAILED = "failed to get HTTP URL content"
NO_PHOTO = "there is no photo in the request"
NO_DOCUMENT = "there is no document in the request"
FILE_EMPTY = "file must be non-empty"
IMAGE_PROCESS_FAILED = "IMAGE_PROCESS_FAILED"
PHOTO_INVALID_DIMENSIONS = "PHOTO_INVALID_DIMENSIONS"
WRONG_CHAT_ACTION = "wrong parameter action in request"
BLOCKED = "bot was blocked by the user"
WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
TERMINATED_BY_OTHER_POLL = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
TERMINATED_BY_SET_WEBHOOK = "terminated by setWebhook request"
BAD_WEBHOOK_URL = "bad webhook: An HTTPS URL must be provided for webhook"
SECRET_TOKEN_INVALID = "secret token contains unallowed characters"


class ApiError(Exception):
    """A Bot API failure; ``description`` already carries Telegram's prefix."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's ``Bad Request:`` prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """403 with Telegram's ``Forbidden:`` prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def conflict(detail: str) -> ApiError:
    """409 with Telegram's ``Conflict:`` prefix."""
    return ApiError(409, f"Conflict: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 exactly as Telegram's flood control answers (PTB raises RetryAfter)."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def parameter_required(name: str) -> ApiError:
    """The generic missing-argument answer of the Bot API server."""
    return bad_request(f'parameter "{name}" is required')


NOT_FOUND = ApiError(404, "Not Found")
UNAUTHORIZED = ApiError(401, "Unauthorized")
