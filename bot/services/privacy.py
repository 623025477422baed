"""/deletemydata: forget a lifter completely, after they confirm."""

from __future__ import annotations

from bot.db import history as queries
from bot.db import workouts as repo
from bot.db.engine import Database
from bot.db.models import User
from bot.replies import Button, Outcome, row
from bot.texts import data as texts

PREFIX = "dm"  # callback data: dm:<user id>:yes or dm:<user id>:no


class PrivacyService:
    """Ask, then delete every row about the lifter in one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def ask(self, user_id: int) -> Outcome:
        """The confirmation question (nothing is deleted without a press)."""
        async with self.db.transaction() as session:
            known = await session.get(User, user_id) is not None
        if not known:
            return Outcome().say(texts.DELETE_NOTHING)
        return Outcome().say(
            texts.DELETE_ASK,
            row(
                Button(texts.BUTTON_DELETE, f"{PREFIX}:{user_id}:yes"),
                Button(texts.BUTTON_KEEP, f"{PREFIX}:{user_id}:no"),
            ),
        )

    async def delete(self, user_id: int) -> Outcome:
        """Delete everything about the lifter; the caller cancels their jobs."""
        async with self.db.transaction() as session:
            workouts = await queries.count_workouts(session, user_id)
            sets = await repo.count_sets(session, user_id)
            existed = await queries.delete_user(session, user_id)
        if not existed:
            return Outcome().say(texts.DELETE_NOTHING)
        return Outcome().say(
            texts.DELETED.format(
                workouts=texts.plural(workouts, "workout"), sets=texts.plural(sets, "set")
            )
        )
