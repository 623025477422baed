"""What the bot says about training days, reminders and the weekly summary."""

from __future__ import annotations

import datetime as dt

from bot.coach.timing import WEEKDAYS

PICK_DAYS = "Which days do you train? Tap them, then Next."
ONE_LINE = "Or in one line: /schedule mon wed fri 18:00 Europe/Berlin (or /schedule off)."
NOW_ON = "Reminders now: {days} at {time} ({zone})."
NOW_OFF = "Reminders are off."
DAY_CHOSEN = "✓ {day}"
BUTTON_NEXT = "Next"
NO_DAYS = "Pick at least one day, then press Next."
ASK_TIME = "{days}. What time should I remind you? Send it like 18:00 or 6pm (or /cancel)."
ASK_ZONE = (
    "Reminders at {time}. Which time zone are you in? Send Europe/Berlin, a city like "
    "New York, or an offset like UTC+2."
)
ASK_NEW_ZONE = (
    "You're on {zone}. Which time zone are you in? Send a city like Berlin or New York, "
    "Europe/Berlin, or an offset like UTC+2 (or /cancel)."
)
ZONE_SET = "Time zone set: {zone}. Reminders keep their local times."
SAVED = "Reminders set: {days} at {time} ({zone}).\nNext one: {next}."
SUMMARY_LINE = "Weekly summary: {day} at {time}. Turn it off with /schedule summary off."
OFF = "Reminders and the weekly summary are off. Send /schedule to set them again."
SUMMARY_OFFER = "Want a weekly summary too, {day}s at {time}? Tap below, or /schedule summary on."
BUTTON_SUMMARY_ON = "Weekly summary on"
ALREADY_OFF = "Reminders were already off. Send /schedule to set them."

SUMMARY_ON = "Weekly summary on: {day} at {time} ({zone}).\nNext one: {next}."
SUMMARY_OFF = "Weekly summary off. Send /schedule summary on to get it again."
SUMMARY_NEEDS_SCHEDULE = "Set your training days first with /schedule; the summary comes with them."
SUMMARY_USAGE = (
    "Send /schedule summary off, /schedule summary on, or a day and time like "
    "/schedule summary sun 19:00."
)
SUMMARY_ONE_DAY = "Pick one day for the summary, like /schedule summary sun 19:00."

OFFER = "Want a reminder on training days, with the weights to use?"
BUTTON_OFFER = "Set reminders"

REMINDER_TITLE = "Upper back today"
REMINDER_LOAD = "{name} {sets} x {reps} @ {load}"
REMINDER_NO_LOAD = "{name} {sets} x {reps}: pick a starting weight"
REMINDER_IN_PROGRESS = "Training day, and your last workout is still in progress."
BUTTON_START = "Start workout"
BUTTON_RESUME = "Resume workout"

WEEK_TITLE = "Your week: {workouts}."
WEEK_EMPTY = "Your week: no workouts logged. A fresh start is one /workout away."
WEEK_MUSCLES = "Hard sets per muscle (helping muscles count half; {lo}-{hi} is a common guide):"
WEEK_MUSCLE = "{name}: {sets}"
WEEK_RECORDS = "New records:"
WEEK_RECORD_E1RM = "{name}: estimated max {load}"
WEEK_RECORD_SET = "{name}: {load} x {reps}"
WEEK_NEXT = "Next week's loads:"
WEEK_FOOTER = "Turn this summary off with /schedule summary off."


def day_names(days: frozenset[int]) -> str:
    """'Mon, Wed, Fri' (or 'Every day')."""
    if len(days) == len(WEEKDAYS):
        return "Every day"
    return ", ".join(WEEKDAYS[day][:3] for day in sorted(days))


def clock(at: dt.time) -> str:
    """'18:00'."""
    return f"{at:%H:%M}"


def when(local: dt.datetime) -> str:
    """A local instant as the lifter reads it: 'Wednesday 8 January, 18:00'."""
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def workouts(count: int) -> str:
    """'1 workout', '3 workouts'."""
    return f"{count} workout" + ("" if count == 1 else "s")
