"""/export and /import against the emulator, on each database.

The sample files are the ones the pure importer is tested with (tests/coach/data):
Strong with and without a unit column, Hevy in lb and kg, a warm-up row, exercises the
coach doesn't know, cardio rows, and a malformed line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.coach.transfer import COACH_COLUMNS, STRONG_COLUMNS
from bot.db.models import ExerciseLoad, OtherSet, PendingImport, Workout, WorkoutSet
from tests.bot.test_history import set_zone, train
from tests.harness import LIFTER, BotHarness, texts

DATA = Path(__file__).parents[1] / "coach" / "data"
OTHER = 5151
NEW_YORK = ZoneInfo("America/New_York")

SetRow = tuple[dt.datetime, str, int, Decimal, str, int, int | None, bool, str]


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


async def stored_sets(bot: BotHarness, user: int = LIFTER) -> list[WorkoutSet]:
    async with bot.db.transaction() as session:
        query = (
            select(WorkoutSet)
            .where(WorkoutSet.user_id == user)
            .order_by(WorkoutSet.performed_at, WorkoutSet.id)
        )
        return list((await session.scalars(query)).all())


def as_rows(sets: list[WorkoutSet]) -> list[SetRow]:
    """What a set is, without the ids it happens to have in one account (times to the
    second, as the CSV writes them)."""
    return sorted(
        (
            s.performed_at.replace(microsecond=0),
            s.exercise_key,
            s.set_number,
            s.weight,
            s.unit,
            s.reps,
            s.rir,
            s.warmup,
            s.notes,
        )
        for s in sets
    )


async def workouts_of(bot: BotHarness, user: int = LIFTER) -> list[Workout]:
    async with bot.db.transaction() as session:
        query = select(Workout).where(Workout.user_id == user).order_by(Workout.started_at)
        return list((await session.scalars(query)).all())


async def loads_of(bot: BotHarness, user: int = LIFTER) -> dict[str, tuple[Decimal, str, int]]:
    async with bot.db.transaction() as session:
        rows = await session.scalars(select(ExerciseLoad).where(ExerciseLoad.user_id == user))
        return {r.exercise_key: (r.weight.normalize() + 0, r.unit, r.target_reps) for r in rows}


async def pending_count(bot: BotHarness) -> int:
    async with bot.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(PendingImport)) or 0)


async def import_file(bot: BotHarness, name: str, content: bytes, user: int = LIFTER) -> str:
    """Send a file and press [Import]; the preview and the result, as the lifter saw them."""
    preview = texts(await bot.send_file(name, content, user=user))
    assert "Import them?" in preview, preview
    assert await bot.press("Import", user=user) == []  # the preview becomes the result
    return preview + "\n---\n" + (bot.emulator.messages(user)[-1].text or "")


async def exported(bot: BotHarness, command: str = "/export", user: int = LIFTER) -> bytes:
    reply = await bot.say(command, user)
    assert len(reply) == 1 and reply[0].document is not None, texts(reply)
    return reply[0].document


# -- export ------------------------------------------------------------------------------


async def test_export_rows_match_the_stored_sets_exactly(bot: BotHarness) -> None:
    assert "nothing to export yet" in texts(await bot.say("/export"))
    await set_zone(bot, "America/New_York")
    await train(bot, "225x6 @2", "235x5 @1")
    await train(bot, "235x6 @2")
    await import_file(bot, "strong.csv", sample("strong_comma.csv"))

    reply = await bot.say("/export")
    assert (
        reply[0].filename == f"upper-back-coach-{bot.clock.now().astimezone(NEW_YORK).date()}.csv"
    )
    assert "12 sets from 4 workouts. Times are in America/New_York" in (reply[0].caption or "")
    assert reply[0].document is not None
    everything = list(csv.DictReader(io.StringIO(reply[0].document.decode())))
    assert tuple(everything[0]) == COACH_COLUMNS
    # The file's bench presses are none of our lifts: kept as their own history.
    others = [row for row in everything if not row["exercise_key"]]
    assert [(r["exercise"], r["weight"], r["reps"]) for r in others] == [
        ("Bench Press (Barbell)", "60", "5"),
        ("Bench Press (Barbell)", "60", "5"),
    ]
    rows = [row for row in everything if row["exercise_key"]]

    stored = await stored_sets(bot)
    workouts = {w.id: w for w in await workouts_of(bot)}
    assert len(rows) == len(stored) == 10
    for row, s in zip(rows, stored, strict=True):
        local = s.performed_at.astimezone(NEW_YORK)
        assert (row["date"], row["time"]) == (local.date().isoformat(), f"{local:%H:%M:%S}")
        assert row["timezone"] == ("UTC-04:00" if local.dst() else "UTC-05:00")
        assert row["exercise_key"] == s.exercise_key
        assert int(row["set"]) == s.set_number
        assert Decimal(row["weight"]) == s.weight and row["unit"] == s.unit
        assert int(row["reps"]) == s.reps
        assert row["rir"] == ("" if s.rir is None else str(s.rir))
        assert row["rpe"] == ("" if s.rir is None else str(10 - s.rir))
        assert row["warmup"] == ("yes" if s.warmup else "no")
        assert int(row["workout_id"]) == s.workout_id
        assert row["workout"] == workouts[s.workout_id].name
        assert row["notes"] == s.notes
    assert 'Felt strong, "easy"' in {row["notes"] for row in rows}


async def test_export_strong_uses_strongs_columns_in_the_lifters_unit(bot: BotHarness) -> None:
    await import_file(bot, "strong.csv", sample("strong_comma.csv"))
    reply = await bot.say("/export strong")
    assert (reply[0].filename or "").startswith("upper-back-coach-strong-")
    assert "weights in lb" in (reply[0].caption or "")
    assert reply[0].document is not None
    rows = list(csv.reader(io.StringIO(reply[0].document.decode())))
    assert tuple(rows[0]) == STRONG_COLUMNS
    face_pulls = [r for r in rows[1:] if r[3] == "Face pull"]
    assert [r[5] for r in face_pulls] == ["44.09", "44.09"]  # 20 kg in lb
    assert [r[4] for r in rows[1:] if r[3] == "Barbell row"] == ["W", "1", "2"]
    assert "/export strong" in texts(await bot.say("/export excel"))


# -- import --------------------------------------------------------------------------------


async def test_strong_file_previews_then_imports_and_seeds_the_next_workout(
    bot: BotHarness,
) -> None:
    reply = await bot.send_file("strong_export.csv", sample("strong_comma.csv"))
    preview = texts(reply)
    assert reply[-1].labels == ["Map: Bench Press (Barbell)", "Import", "Cancel"]
    assert "Here's what I found in strong_export.csv:" in preview
    assert "2 workouts from Mon 15 Jan 2024 to Wed 17 Jan 2024." in preview
    assert "Barbell row: 3 sets\nFace pull: 2 sets\nCable row: 2 sets" in preview
    assert "their own history" in preview
    assert "one of mine:\nBench Press (Barbell): 2 sets" in preview
    assert "New: 9 sets. Already here: 0 sets." in preview
    assert "Warm-up sets are kept" in preview and "cardio" in preview
    assert await stored_sets(bot) == []  # nothing before the lifter says so

    await bot.press("Import")
    result = bot.emulator.messages(LIFTER)[-1]
    assert result.labels == []
    assert (result.text or "").startswith(
        "Imported 7 sets in 2 workouts.\nKept 2 sets of other exercises as their own history."
    )
    # Barbell row: the last top set, 135 x 8 @1, hit the top of 6-8: +10 lb.
    # Face pull: 20 kg x 12 to failure hit the top of 10-12: one 5 kg stack step.
    assert "Barbell row: 145 lb\nFace pull: 25 kg" in (result.text or "")

    sets = await stored_sets(bot)
    assert len(sets) == 7 and {s.unit for s in sets} == {"lb", "kg"}
    warmup = next(s for s in sets if s.warmup)
    assert (warmup.exercise_key, warmup.weight, warmup.reps) == ("barbell_row", 95, 10)
    assert all(s.fingerprint for s in sets)
    workouts = await workouts_of(bot)
    assert [(w.name, w.source, w.status) for w in workouts] == [
        ("Upper Back A", "import", "finished"),
        ("Morning Pull", "import", "finished"),
    ]
    assert len({w.import_key for w in workouts}) == 2
    assert await pending_count(bot) == 0

    await bot.say("/workout")
    reply = texts(await bot.say("/skip"))  # deadlift was never imported: on to the row
    # The import seeded 145 lb; its last session was in 2024, so today starts 10 % lighter.
    assert "Barbell row (2 of 5)" in reply and "Today: 130 lb" in reply
    assert "Mon 15 Jan 2024 · Upper Back A (imported)" in texts(await bot.say("/history"))


async def test_hevy_files_in_both_units_import_with_warm_ups_kept(bot: BotHarness) -> None:
    await bot.say("/units kg")
    result = await import_file(bot, "workouts.csv", sample("hevy_kg.csv"))
    assert "T-bar row: 3 sets\nFace pull: 1 set" in result
    assert "Leg Press (Machine): 1 set" in result
    assert "New: 5 sets. Already here: 0 sets." in result  # the leg press kept as its own
    # T-bar row: 42.5 kg x 8 @2 hit the top of 6-8; +5 kg would be 12 %, the cap is 10 %.
    assert "T-bar row: 45 kg" in result
    result = await import_file(bot, "workouts.csv", sample("hevy_lbs.csv"))
    assert "Barbell row: 3 sets" in result and "Dumbbell rear lateral raise: 2 sets" in result
    assert "New: 8 sets." in result  # and one leg press of its own
    sets = await stored_sets(bot)
    assert len(sets) == 11
    assert Counter(s.unit for s in sets) == {"kg": 4, "lb": 7}
    assert sum(s.warmup for s in sets) == 2
    assert len(await workouts_of(bot)) == 3


async def test_warm_ups_are_stored_but_never_set_the_next_load(bot: BotHarness) -> None:
    header = (
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
        "set_index,set_type,weight_lbs,reps,distance_miles,duration_seconds,rpe\n"
    )
    rows = (
        '"A","1 Mar 2024, 18:00","1 Mar 2024, 19:00","","Face Pull (Cable)",,"",'
        '0,"normal",60,10,,,8\n'
        '"B","3 Mar 2024, 18:00","3 Mar 2024, 19:00","","Face Pull (Cable)",,"",'
        '0,"warmup",100,12,,,\n'
    )
    await import_file(bot, "hevy.csv", (header + rows).encode())
    # From 60 x 10 @2 (10-12): same weight, aim for 11. The 100 lb warm-up is ignored.
    assert (await loads_of(bot))["face_pull"] == (Decimal(60), "lb", 11)
    assert [s.warmup for s in await stored_sets(bot)] == [False, True]


async def test_a_newer_load_is_not_overwritten_by_older_history(bot: BotHarness) -> None:
    await bot.say("/units kg")
    await train(bot, "100x6 @2")
    assert (await loads_of(bot))["deadlift"] == (Decimal(105), "kg", 4)
    result = await import_file(bot, "strong_de.csv", sample("strong_semicolon.csv"))
    assert "Weights without a unit are read as kg." in result
    assert "Deadlift: 3 sets" in result and "Romanian deadlift: 2 sets" in result
    loads = await loads_of(bot)
    assert loads["deadlift"] == (Decimal(105), "kg", 4)  # the coach's is newer than 2024
    # RDL: 80 kg x 7 to failure (RPE 10), within 6-8: same weight, hold the 7 (never past
    # failure).
    assert loads["romanian_deadlift"] == (Decimal(80), "kg", 7)
    assert "Deadlift:" not in result.split("---")[1]
    romanian = [s for s in await stored_sets(bot) if s.exercise_key == "romanian_deadlift"]
    assert [(s.weight, s.unit, s.reps, s.rir) for s in romanian] == [
        (Decimal(80), "kg", 8, None),
        (Decimal(80), "kg", 7, 0),
    ]


async def test_a_bad_row_is_named_in_the_preview_and_the_rest_imports(bot: BotHarness) -> None:
    reply = texts(await bot.send_file("broken.csv", sample("strong_malformed.csv")))
    assert "I couldn't read 1 row, so I'll leave them out:\n" in reply
    assert "- Line 5: the weight 'abc' is not a number." in reply
    await bot.press("Import")
    assert len(await stored_sets(bot)) == 3


async def test_a_file_of_bad_rows_imports_nothing(bot: BotHarness) -> None:
    text = sample("strong_malformed.csv").replace(b",8,0,0", b",x,0,0")
    reply = texts(await bot.send_file("broken.csv", text))
    assert "nothing was imported" in reply
    assert "Line 2: the number of reps 'x' is not a number." in reply
    assert await stored_sets(bot) == [] and await pending_count(bot) == 0


async def test_the_same_file_twice_adds_nothing(bot: BotHarness) -> None:
    await bot.send_file("strong.csv", sample("strong_comma.csv"))
    preview = bot.emulator.messages(LIFTER)[-1]
    await bot.press("Import")
    before = as_rows(await stored_sets(bot))

    again = texts(await bot.send_file("strong.csv", sample("strong_comma.csv")))
    assert "Everything in that file is already here (9 sets)" in again
    import_data = next(b.data for line in preview.buttons for b in line if b.label == "Import")
    assert import_data is not None
    await bot.press_data(preview.message_id, import_data)  # the old button, pressed again
    pressed = next(m for m in bot.emulator.messages(LIFTER) if m.message_id == preview.message_id)
    assert "already answered or replaced" in (pressed.text or "")
    assert as_rows(await stored_sets(bot)) == before
    assert len(await workouts_of(bot)) == 2


async def test_export_then_import_round_trips_into_another_account_and_the_same_one(
    bot: BotHarness,
) -> None:
    await set_zone(bot, "Europe/Berlin")
    await train(bot, "225x6 @2", "235x5 @1", "235x4 @0")
    await bot.say("/workout")
    await bot.say("235x6 @2")
    await bot.say("/skip")
    await bot.say("135x8 @2")  # barbell row
    await bot.say("/done")
    await import_file(bot, "strong.csv", sample("strong_comma.csv"))
    mine = await stored_sets(bot)
    assert len(mine) == 12
    file = await exported(bot)

    await set_zone(bot, "Asia/Tokyo", user=OTHER)
    result = await import_file(bot, "mine.csv", file, user=OTHER)
    assert "New: 14 sets. Already here: 0 sets." in result  # 12 and 2 bench presses
    assert as_rows(await stored_sets(bot, OTHER)) == as_rows(mine)
    theirs = await workouts_of(bot, OTHER)
    assert [w.name for w in theirs] == [w.name for w in await workouts_of(bot)]
    await set_zone(bot, "Europe/Berlin", user=OTHER)  # Tokyo read the same instants
    copy = await exported(bot, user=OTHER)
    assert _without_workout_ids(copy) == _without_workout_ids(file)

    again = texts(await bot.send_file("mine.csv", file))
    assert "Everything in that file is already here (14 sets)" in again
    assert len(await stored_sets(bot)) == 12


def _without_workout_ids(content: bytes) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    for row in rows:
        del row["workout_id"]
    return rows


async def test_a_preview_survives_a_restart(bot: BotHarness) -> None:
    await bot.send_file("strong.csv", sample("strong_comma.csv"))
    await bot.restart()
    await bot.press("Import")
    assert len(await stored_sets(bot)) == 7


async def test_cancel_imports_nothing_and_forgets_the_file(bot: BotHarness) -> None:
    await bot.send_file("strong.csv", sample("strong_comma.csv"))
    await bot.press("Cancel")
    assert bot.emulator.messages(LIFTER)[-1].text == "Okay, nothing was imported."
    assert await stored_sets(bot) == [] and await pending_count(bot) == 0


async def test_files_too_big_or_not_csv_get_a_friendly_reply(bot: BotHarness) -> None:
    assert "Send me the CSV file" in texts(await bot.say("/import"))
    big = b"Date,Exercise Name,Set Order,Weight,Reps\n" + b"x" * (20 * 1024 * 1024)
    reply = texts(await bot.send_file("huge.csv", big))
    assert "too big" in reply and "20 MB" in reply
    assert not any(name.casefold() == "getfile" for name, _ in bot.emulator.requests)

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    reply = texts(await bot.send_file("photo.png", png, mime_type="image/png"))
    assert "I can only import CSV files" in reply
    reply = texts(await bot.send_file("notes.csv", b"just some words\nand more\n"))
    assert "doesn't look like a Strong or Hevy export" in reply
    assert await pending_count(bot) == 0


async def test_someone_elses_import_button_does_nothing(bot: BotHarness) -> None:
    await bot.send_file("strong.csv", sample("strong_comma.csv"))
    preview = bot.emulator.messages(LIFTER)[-1]
    data = next(b.data for line in preview.buttons for b in line if b.label == "Import")
    assert data is not None
    await bot.say("/start", user=OTHER)
    await bot._settle(
        await bot.emulator.press(OTHER, preview.message_id, data, chat_id=LIFTER), LIFTER
    )
    assert bot.emulator.callback_answers[-1]["text"] == (
        "That button isn't for you. Nothing was changed."
    )
    assert await stored_sets(bot) == [] and await stored_sets(bot, OTHER) == []
    assert await pending_count(bot) == 1


async def test_other_exercises_are_kept_shown_in_history_and_deleted_with_the_rest(
    bot: BotHarness,
) -> None:
    await bot.send_file("strong.csv", sample("strong_comma.csv"))
    await bot.press("Map: Bench Press (Barbell)")
    asked = bot.emulator.messages(LIFTER)[-1]
    assert asked.text == (
        "Which of my exercises is Bench Press (Barbell)? Its sets will count as that exercise."
    )
    assert "Chest-supported row" in asked.labels and "Keep it as it is" in asked.labels
    await bot.press("Keep it as it is")
    assert "Bench Press (Barbell): 2 sets" in (bot.emulator.messages(LIFTER)[-1].text or "")
    await bot.press("Import")
    history = texts(await bot.say("/history"))
    assert "Mon 15 Jan 2024 · Upper Back A (imported)" in history
    assert "Bench Press (Barbell): 130x5 (60 kg)" in history  # shown in the lifter's lb
    assert {s.exercise_key for s in await stored_sets(bot)} == {
        "barbell_row",
        "face_pull",
        "cable_row",
    }
    await bot.say("/deletemydata")
    await bot.press("Delete everything")
    async with bot.db.transaction() as session:
        assert (await session.scalars(select(OtherSet))).all() == []


async def test_a_name_mapped_from_the_preview_imports_as_that_lift(bot: BotHarness) -> None:
    await bot.send_file("strong.csv", sample("strong_comma.csv"))
    await bot.press("Map: Bench Press (Barbell)")
    await bot.press("Chest-supported row")
    preview = bot.emulator.messages(LIFTER)[-1]
    assert "Chest-supported row: 2 sets" in (preview.text or "")
    assert "Bench Press" not in (preview.text or "")
    assert preview.labels == ["Import", "Cancel"]
    await bot.press("Import")
    mapped = [s for s in await stored_sets(bot) if s.exercise_key == "chest_supported_row"]
    assert [(s.weight, s.unit, s.reps) for s in mapped] == [(60, "kg", 5), (60, "kg", 5)]
