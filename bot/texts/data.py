"""What the bot says about the lifter's data: history, records, charts, files, deletion."""

from __future__ import annotations

PRIVATE_DATA = "Your training data is private: message me directly to see it."

# -- finding an exercise ----------------------------------------------------------------
WHICH_EXERCISE = "Which one do you mean: {names}?"
UNKNOWN_EXERCISE = "I don't know an exercise called '{query}'. Send /exercises to see them all."
DID_YOU_MEAN = "I don't know an exercise called '{query}'. Did you mean {name}?"

# -- /history ------------------------------------------------------------------------------
HISTORY_TITLE = "Your workouts, newest first:"
HISTORY_EXERCISE_TITLE = "{name}, newest first:"
HISTORY_EMPTY = (
    "No workouts yet. Send /workout to start one, "
    "or /import to bring in your history from Strong or Hevy."
)
HISTORY_EXERCISE_EMPTY = "You haven't logged {name} yet."
HISTORY_END = "That's all: there is nothing older."
WORKOUT_HEADER = "{day} · {name}"
IMPORTED = " (imported)"
WARMUP = " (warm-up)"
BUTTON_OLDER = "Older"
BUTTON_NEWER = "Newer"
WEEK_WORD = "week"  # `/history week`
WEEK_HARD_SETS_TITLE = "Hard sets per muscle, this week so far ({this}) and last week ({last}):"
WEEK_HARD_SETS_LINE = "{name}: {this} · last week {last}"
WEEK_HARD_SETS_NOTE = (
    "A hard set ends 3 or fewer reps short of failure; warm-ups don't count. A muscle "
    "that mainly moves the weight gets 1 set, a helping muscle half. About {lo}-{hi} hard "
    "sets per muscle a week is a common guide, not a rule."
)

# -- /prs ------------------------------------------------------------------------------------
RECORDS_TITLE = "Your records (warm-ups don't count):"
RECORDS_EMPTY = "No records yet. Log a few sets with /workout and they'll show up here."
RECORD_BEST = "Best estimated max: {load}, from {set} on {day}"
RECORD_HEAVIEST = "{reps}: {load} on {day}"

# -- /progress -------------------------------------------------------------------------------
PROGRESS_USAGE = "Send /progress and an exercise, like /progress deadlift."
PROGRESS_TRAINED = "You have sets of: {names}."
PROGRESS_NONE = "You haven't logged {name} yet, so there's nothing to chart."
PROGRESS_FEW = (
    "I have only {workouts} of {name} so far. After {more} more, I'll draw your progress."
)
PROGRESS_CAPTION = (
    "{name}: estimated max {first} -> {latest} {unit} over {count} workouts ({since} to {until})."
)

# -- /export ---------------------------------------------------------------------------------
EXPORT_EMPTY = "There's nothing to export yet. Log a workout with /workout first."
EXPORT_USAGE = "Send /export for everything, or /export strong for the Strong app's layout."
EXPORTED = "All your sets: {sets} from {workouts}. Times are in {zone}."
EXPORTED_STRONG = "All your sets in the Strong app's layout ({sets}), weights in {unit}."

# -- /import ---------------------------------------------------------------------------------
IMPORT_HOW = (
    "Send me the CSV file you exported from Strong or Hevy (look for Export in their "
    "settings), or one you got here with /export.\n"
    "Files up to 20 MB and 100,000 rows. I'll show you what I found before importing anything."
)
FILE_TOO_BIG = "That file is too big: I can import files up to 20 MB. Export a shorter date range."
NOT_CSV = (
    "I can only import CSV files exported from Strong or Hevy (or from here with /export). "
    "Send /import to see how."
)
BAD_FILE = "I couldn't import that file, so nothing was imported.\n{problem}"
NOTHING_MATCHED = "I found no sets in that file, so there's nothing to import."
ALL_KNOWN = "Everything in that file is already here ({sets}). Nothing to import."
PREVIEW_TITLE = "Here's what I found in {filename}:"
PREVIEW_SPAN = "{workouts} from {first} to {last}."
PREVIEW_MATCHED = "I'll import:"
PREVIEW_EXERCISE = "{name}: {sets}"
PREVIEW_UNMATCHED = (
    "Not exercises I coach: I'll keep them as their own history (in /history and /export). "
    "Tap one below if it is one of mine:"
)
PREVIEW_MORE = "and {count} more"
PREVIEW_SKIPPED = (
    "Rows that aren't sets (cardio, timed holds, rest timers, empty rows) are left out: {rows}."
)
PREVIEW_PROBLEMS = "I couldn't read {rows}, so I'll leave them out:"
PREVIEW_PROBLEM = "- {problem}"
PREVIEW_MORE_PROBLEMS = "- and {count} more"
PREVIEW_WARMUPS = "Warm-up sets are kept but not used to set your loads."
PREVIEW_COUNTS = "New: {new}. Already here: {known}."
PREVIEW_UNIT = "Weights without a unit are read as {unit}."
PREVIEW_ASK = "Import them?"
BUTTON_IMPORT = "Import"
BUTTON_CANCEL_IMPORT = "Cancel"
BUTTON_MAP = "Map: {name}"
BUTTON_KEEP_OWN = "Keep it as it is"
MAP_ASK = "Which of my exercises is {name}? Its sets will count as that exercise."
IMPORTED_OTHERS = "Kept {sets} of other exercises as their own history."
IMPORTED_DONE = "Imported {sets} in {workouts}."
IMPORTED_LOADS = "Your next /workout starts from these loads:"
IMPORTED_LOAD = "{name}: {load}"
IMPORT_CANCELLED = "Okay, nothing was imported."
IMPORT_STALE = "That import was already answered or replaced. Send the file again to import it."

# -- /deletemydata ---------------------------------------------------------------------------
DELETE_ASK = (
    "This deletes everything I store about you: every workout and set, your records, "
    "loads, plan, reminders and settings. It can't be undone.\n"
    "Send /export first if you want a copy. Delete everything?"
)
BUTTON_DELETE = "Delete everything"
BUTTON_KEEP = "Keep my data"
DELETE_NOTHING = "I don't store anything about you."
DELETED = (
    "Done. I deleted everything I stored about you ({workouts}, {sets}) "
    "and stopped your reminders and timers. Send /start if you ever want to train again."
)
KEPT = "Okay, I kept everything."


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 set', '3 sets'."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
