"""Greeting, help and the replies every feature shares."""

from __future__ import annotations

WELCOME_NEW = (
    "Hi {name}, I'm your upper-back coach.\n"
    "I walk you through each set, tell you the weight for the next one, "
    "and remind you on training days.\n"
    "Send /workout to start now, or /help to see everything I do."
)
WELCOME_BACK = "Welcome back, {name}. Send /workout to train, or /help for the list."

# (command, description) pairs: the /help text and the Telegram command menu.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("workout", "Start or resume today's workout"),
    ("howto", "Form cues for an exercise, e.g. /howto seal row"),
    ("plan", "See and change your workout plan"),
    ("schedule", "Training days and reminders"),
    ("history", "Your last workouts"),
    ("prs", "Your personal records"),
    ("progress", "A chart of one exercise, e.g. /progress deadlift"),
    ("exercises", "All exercises"),
    ("muscles", "The upper-back muscles and what trains them"),
    ("tips", "How to progress"),
    ("settings", "Units, time zone, reminders, equipment and warm-ups"),
    ("equipment", "Your dumbbells and cable stack, e.g. /equipment top 200"),
    ("calibrate", "Check how well you guess your reps left"),
    ("units", "Switch between lb and kg, e.g. /units kg"),
    ("undo", "Take back the last set or answer"),
    ("skip", "Skip the current exercise"),
    ("swap", "Swap the current exercise for another"),
    ("done", "Finish the workout now"),
    ("export", "Download all your sets as CSV"),
    ("import", "Bring in history from Strong or Hevy"),
    ("deletemydata", "Delete everything I store about you"),
    ("cancel", "Stop what we're doing"),
    ("help", "This list"),
)

HELP_HEADER = "Here's what I can do:"
HELP_FOOTER = "During a workout, just send your set, like 6 or 225x6."

UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
STRAY_TEXT = "Send /workout to start training, or /help to see what I can do."
NOTHING_TO_CANCEL = "Nothing to cancel right now."
CANCELLED = "Okay, cancelled."
ERROR = "Sorry, something went wrong on my side. Nothing you logged was lost. Please try again."
DB_UNAVAILABLE = "I can't reach my database right now. Nothing was lost. Try again in a moment."
PRIVATE_ONLY = "Workouts are personal: message me privately to train."
STALE_BUTTON = "That button is out of date. Nothing was changed."
NOT_YOUR_BUTTON = "That button isn't for you. Nothing was changed."
FLOOD = "Easy there, I'm still on your last message. Give me a few seconds, then carry on."
UNSUPPORTED_MESSAGE = "I can only read text and buttons. Send /help to see what I can do."

UNITS_SET = "Done: I'll use {unit} from now on."
UNITS_USAGE = "Send /units lb or /units kg. You're on {unit} now."


def help_text() -> str:
    """The command list, built from the same table as the Telegram menu."""
    lines = [HELP_HEADER, ""]
    lines += [f"/{name} - {description}" for name, description in COMMANDS]
    lines += ["", HELP_FOOTER]
    return "\n".join(lines)
