"""Import workout logs exported from other apps, and export ours as CSV.

Pure: it takes and returns strings and values. No clock, no files, no network.

Formats read by :func:`parse_import` (detected from the header line):

* ``strong``: the Strong app's CSV export, comma or semicolon separated, older
  (``Weight`` plus an optional ``Weight Unit``) or newer (quoted, ``Workout #``, the
  unit in the name: ``Weight (kg)``), with its columns named in the phone's language.
* ``hevy``: the Hevy app's CSV export, with ``weight_lbs`` or ``weight_kg``.
* ``coach``: our own export, written by :func:`export_csv`.

Modules: ``headers`` (which app, which column), ``dates`` (the apps' date styles),
``rows`` (a row to a set, fingerprints), ``reading`` (a file to a batch),
``planning`` (what an import adds), ``writing`` (our exports), ``model`` (the values
and why they are not the core's logged set).
"""

from bot.coach.transfer.model import (
    COACH_COLUMNS,
    MAX_REPS,
    STRONG_COLUMNS,
    ExportSet,
    ImportBatch,
    ImportedSet,
    ImportFormat,
    ImportFormatError,
    RowProblem,
)
from bot.coach.transfer.planning import (
    IMPORTED_WORKOUT_NAME,
    SESSION_GAP,
    FileWorkout,
    ImportPlan,
    Planner,
    import_key,
    plan_import,
    workouts_of,
)
from bot.coach.transfer.reading import MAX_ROWS, ExportReader, parse_import
from bot.coach.transfer.rows import exercise_key_for, set_fingerprint
from bot.coach.transfer.writing import export_csv, export_strong_csv

__all__ = [
    "COACH_COLUMNS",
    "IMPORTED_WORKOUT_NAME",
    "MAX_REPS",
    "MAX_ROWS",
    "SESSION_GAP",
    "STRONG_COLUMNS",
    "ExportReader",
    "ExportSet",
    "FileWorkout",
    "ImportBatch",
    "ImportFormat",
    "ImportFormatError",
    "ImportPlan",
    "ImportedSet",
    "Planner",
    "RowProblem",
    "exercise_key_for",
    "export_csv",
    "export_strong_csv",
    "import_key",
    "parse_import",
    "plan_import",
    "set_fingerprint",
    "workouts_of",
]
