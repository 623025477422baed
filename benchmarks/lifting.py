"""What simulated lifters send, and the check that every set they reported is stored once.

Every set report carries its reps, and each lifter's reps vary from set to set, so the
stored rows (in insertion order) must repeat exactly the sequence each lifter sent:
a missing row is a lost set, an extra one a duplicate, a swapped pair an ordering bug.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from benchmarks.databases import BenchDatabase
from bot.coach.plans import DEFAULT_PLAN
from bot.db.models import WorkoutSet

SETS_PER_WORKOUT = sum(slot.sets for slot in DEFAULT_PLAN)
EXERCISES_PER_WORKOUT = len(DEFAULT_PLAN)
START_WEIGHT = "100"
FIRST_USER = 10_000  # Telegram ids of the simulated lifters: FIRST_USER, FIRST_USER + 1...


def users(count: int) -> list[int]:
    """Ids of `count` simulated lifters."""
    return list(range(FIRST_USER, FIRST_USER + count))


def reps_of(index: int) -> int:
    """The reps of a lifter's `index`-th set: 5 to 9, varying so that order shows."""
    return 5 + (index * 3) % 5


@dataclass
class SetCheck:
    """How the stored sets compare with the reported ones."""

    reported: int
    stored: int
    lost: int
    duplicated: int
    out_of_order: int  # lifters whose stored sequence has every set but in another order

    @property
    def ok(self) -> bool:
        return self.lost == self.duplicated == self.out_of_order == 0 and (
            self.stored == self.reported
        )

    def __str__(self) -> str:
        return (
            f"{self.stored} of {self.reported} sets stored: {self.lost} lost, "
            f"{self.duplicated} duplicated, {self.out_of_order} lifters out of order"
        )


async def stored_reps(database: BenchDatabase) -> dict[int, list[int]]:
    """Each lifter's stored sets' reps, in the order the rows were written."""
    db = database.open()
    try:
        async with db.transaction() as session:
            rows = await session.execute(
                select(WorkoutSet.user_id, WorkoutSet.reps).order_by(WorkoutSet.id)
            )
            stored: dict[int, list[int]] = defaultdict(list)
            for user_id, reps in rows:
                stored[user_id].append(reps)
            return stored
    finally:
        await db.dispose()


def compare(reported: dict[int, list[int]], stored: dict[int, list[int]]) -> SetCheck:
    """Count lost, duplicated and reordered sets of every lifter."""
    lost = duplicated = out_of_order = 0
    for user_id in reported.keys() | stored.keys():
        sent, kept = reported.get(user_id, []), stored.get(user_id, [])
        missing, extra = Counter(sent) - Counter(kept), Counter(kept) - Counter(sent)
        lost += sum(missing.values())
        duplicated += sum(extra.values())
        if not missing and not extra and sent != kept:
            out_of_order += 1
    return SetCheck(
        reported=sum(len(v) for v in reported.values()),
        stored=sum(len(v) for v in stored.values()),
        lost=lost,
        duplicated=duplicated,
        out_of_order=out_of_order,
    )
