"""What /plan says: the lifter's workout and the buttons that change it."""

from __future__ import annotations

PLAN_TITLE = "Your plan:"
PLAN_SLOT = "{number}. {slot}: {name}\n   {sets} x {reps}, rest {rest}{load}"
PLAN_LOAD = ", next {load}"
PLAN_FOOTER = "Tap a slot to change it. Changes start with your next /workout."

SLOT_TITLE = "{slot}: {name}"
SLOT_DETAILS = "{sets} sets x {reps} reps, rest {rest}"
SLOT_LOAD = "Next load: {load}"
SLOT_NO_LOAD = "No load yet: I'll ask on your first set."
SLOT_FOOTER = "Pick an exercise, sets, reps or rest. Changes start with your next /workout."

SAVED = "Saved."
RESET_ASK = "Put every slot back to the default workout? Your loads and history stay as they are."
RESET_DONE = "Your plan is back to the default."
PRIVATE_ONLY = "Your plan is personal: message me privately to see or change it."

CURRENT = "✓ {label}"
BUTTON_SETS = "{sets} sets"
BUTTON_REPS = "{reps} reps"
BUTTON_REST = "Rest {rest}"
BUTTON_BACK = "Back to plan"
BUTTON_RESET = "Reset to default"
BUTTON_RESET_YES = "Yes, reset"
BUTTON_RESET_NO = "No, keep it"
