"""What to do with an update a crash interrupted after it changed the lifter's state.

Its change is committed (the ledger says so), but whether its reply went out is
unknown: the process died between the commit and marking the update handled. Handling
it again changes nothing and says nothing, so the lifter could be left in silence.
Instead it is handled as a command from the same chat, under the same update id, that
tells the lifter where they are: with a workout going `/workout`, which answers
"Picking up where you left off." and the current step (a new workout is never started
by it: the id is already claimed); with none (the update ended the workout, and its
summary may be lost) `/history`, which shows that workout. So the lifter hears, at
worst twice, where they are, and nothing is done twice.
"""

from __future__ import annotations

from typing import Any


def where_am_i(payload: dict[str, Any], training: bool) -> dict[str, Any] | None:
    """The update as `/workout` (or `/history`) from the same person and chat; None if
    it has neither."""
    if "message" in payload:
        original = payload["message"]
        sender, chat = original.get("from"), original.get("chat")
        message_id, date = original.get("message_id"), original.get("date")
    elif "callback_query" in payload and "message" in payload["callback_query"]:
        query = payload["callback_query"]
        sender, chat = query.get("from"), query["message"].get("chat")
        message_id, date = query["message"].get("message_id"), query["message"].get("date")
    else:
        return None
    if sender is None or chat is None:
        return None
    command = "/workout" if training else "/history"
    return {
        "update_id": payload["update_id"],
        "message": {
            "message_id": message_id,
            "date": date,
            "chat": chat,
            "from": sender,
            "text": command,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }
