"""What an import says about a file it cannot read, in one place for review.

These sentences are built inside the pure parser (they carry line numbers and cell
values), so they live beside it rather than in `bot/texts`.
"""

from typing import Final

MSG_EMPTY: Final = "The file is empty. Export your workouts from Strong or Hevy and send the CSV."
MSG_UNKNOWN_HEADER: Final = (
    "This doesn't look like a Strong or Hevy export (or one of ours). The first line "
    "should list the columns, like 'Date,Workout Name,Exercise Name,Set Order,Weight,Reps' "
    "for Strong or 'title,start_time,exercise_title,set_index,set_type,weight_kg,reps' "
    "for Hevy."
)
MSG_MISSING_COLUMNS: Final = "I couldn't find these columns: {missing}."
MSG_UNRECOGNISED_COLUMNS: Final = "Columns I didn't recognise: {columns}."
MSG_TOO_MANY_ROWS: Final = (
    "The file has more than {max_rows} rows, which is more than I can import at once. "
    "Please export a shorter date range."
)
MSG_MOSTLY_BAD: Final = (
    "I couldn't read {bad} of the {rows} rows in this file, so I didn't import it. "
    "The first problem: {first}"
)
MSG_UNREADABLE: Final = "Line {line}: I couldn't read this line as CSV ({detail})."
MSG_COLUMNS: Final = "Line {line}: expected {expected} columns but found {found}."
MSG_NOT_NUMBER: Final = "Line {line}: the {label} '{value}' is not a number."
MSG_NOT_WHOLE: Final = "Line {line}: the {label} '{value}' is not a whole number."
MSG_RANGE: Final = "Line {line}: the {label} '{value}' is out of range ({lo} to {hi}{unit})."
MSG_BAD_DATE: Final = "Line {line}: the date '{value}' is not a date and time I can read."
MSG_DATE_RANGE: Final = "Line {line}: the date '{value}' is out of range."
MSG_BAD_TIMEZONE: Final = (
    "Line {line}: the time zone '{value}' is not a UTC offset like 'UTC+01:00'."
)
MSG_BAD_UNIT: Final = "Line {line}: the unit '{value}' is not 'kg' or 'lb'."
MSG_BAD_SET_ORDER: Final = "Line {line}: the set order '{value}' is not a set number or W, D or F."
MSG_BAD_FLAG: Final = "Line {line}: the warm-up flag '{value}' is not 'yes' or 'no'."
MSG_NO_EXERCISE: Final = "Line {line}: the exercise name is missing."
