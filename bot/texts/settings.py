"""What /settings says: everything a lifter can set, in one message with buttons."""

from __future__ import annotations

TITLE = "Your settings"
UNITS = "Units: {unit}"
ZONE = "Time zone: {zone}"
REMINDERS_ON = "Reminders: {days} at {time}"
REMINDERS_OFF = "Reminders: off"
SUMMARY_ON = "Weekly summary: {day}s at {time}"
SUMMARY_OFF = "Weekly summary: off"
BUTTON_UNIT = "Use {unit}"
BUTTON_ZONE = "Time zone"
BUTTON_REMINDERS = "Reminders"
UNIT_IN_WORKOUT = "Finish or /cancel your workout first: one workout keeps one unit."
