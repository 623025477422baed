"""What the bot says during a workout. Short: lifters read it between sets."""

from __future__ import annotations

STARTED = "Today's workout: {count} exercises. Send each set as you finish it, like 6 or 225x6."
RESUMED = "Picking up where you left off."
EXERCISE = "{name} ({position} of {total})\n{sets} sets x {reps} reps, rest {rest}"
EXERCISE_LOAD = "Today: {load}"
SET_TARGET = "Set {number} of {total}: {load} x {reps}"
ASK_RIR = "How many more reps could you have done with good form?"
ASK_START_WEIGHT = (
    "First time doing {name}. What weight do you want to start with? "
    "Pick a light one; I'll adjust from there."
)
START_WEIGHT_SET = "Starting {name} at {load}."
LOGGED = "Logged set {number}: {load} x {reps}{rir}."
RIR_SUFFIX = " ({rir} left)"
NEXT_SET = "Next: set {number} of {total} at {load} x {reps}. Rest {rest}; I'll ping you."
EXERCISE_DONE = "{name} done."
REST_OVER = "Rest is over."
SKIPPED = "Skipped {name}."
NOTHING_TO_UNDO = "There's no set to undo in this workout."
UNDONE = "Removed set {number} of {name} ({load} x {reps}). Send it again when ready."
NO_WORKOUT = "You have no workout going. Send /workout to start one."
ALREADY_LOGGED = "Already logged. Nothing was changed."
CANCELLED = "Workout ended. The {count} sets you logged are saved."
SWAP_CHOOSE = "Swap {name} for:"
SWAP_NO_OPTIONS = "{name} has no alternatives in your plan."
SWAP_AFTER_SETS = "You've already logged sets of {name}. Use /skip to move on instead."
SWAPPED = "Swapped to {name} for today."
KEEP_SWAP = "Keep {name} in your plan"
KEPT_SWAP = "{name} is now in your plan for good."
REPORT_HELP = "During a workout, send your set like 6, 225x6, or 225x6 @2."

SUMMARY_TITLE = "Workout done. Nice work!"
SUMMARY_TOTALS = "{sets} sets, {reps} reps, {volume} moved."
SUMMARY_BEST = "{name}: best set {load} x {reps}"
SUMMARY_RECORDS = "New records:"
SUMMARY_RECORD = "{name}: {what}"
SUMMARY_NEXT = "Next time:"
SUMMARY_NEXT_LOAD = "{name} {load} x {reps}"
SUMMARY_EMPTY = "Workout ended. No sets were logged, so nothing changed."

BUTTON_HOWTO = "How to"
BUTTON_SKIP = "Skip"
BUTTON_SWAP = "Swap"
BUTTON_RIR_MAX = "5+"


def rest(seconds: int) -> str:
    """90 -> '1:30'."""
    return f"{seconds // 60}:{seconds % 60:02d}"
