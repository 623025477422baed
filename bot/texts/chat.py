"""What `coach chat` (the offline terminal chat) says about itself."""

DIRECTIVES = """\
Each line you type is a message to the coach. Lines starting with ! are directives:
  [Label]      press the button with that label on the latest keyboard
  !wait 25h    let time pass (s, m, h, d; a bare number is minutes): rest timers,
               reminders and weekly summaries arrive at their own times on the way
  !send PATH   send a file: a photo for .jpg .jpeg .png .webp .gif, else a document
               (send a Strong or Hevy CSV after /import)
  !user ID     talk as another lifter
  !quit        leave"""

UNKNOWN_DIRECTIVE = "(I don't know that directive.)\n" + DIRECTIVES
NO_FILE = "(there is no file at {path})"
SWITCHED_USER = "(you are now user {user_id})"
NO_BUTTON = "(there is no button labelled {label!r})"
WELCOME = "Talking to Upper Back Coach offline. Try /start. !quit to leave, !help for directives."
FILES_HELP = (
    "folder where the photos and CSV exports the coach sends are saved "
    "(default: coach-files in the current folder)"
)
