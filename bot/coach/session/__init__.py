"""The guided workout as a pure state machine: `step(state, event, now) -> (state, effects)`.

Everything a workout decides lives here; the shell (`bot.services.workout`) only loads a
`WorkoutState`, turns what the lifter sent into an `Event`, calls `step`, stores the new
state and carries out the `Effect`s (store or delete a set, start or stop the rest timer,
store next-time loads, say something). Nothing here reads a clock, a database or Telegram,
so every transition is a plain function call in the tests.

    begin ──> [START_WEIGHT] ──> REPS ──(no reps-left given)──> RIR ──> set logged
                                  ^                                       │
                                  └──── next set / next exercise <────────┘ ... Summary

- `state`: `WorkoutState` and its parts (`ExerciseState`, `DoneSet`, `Load`).
- `events`: what can happen (`SetReported` of `ReportedSet`s, `RirAnswered`, `Undo`, ...).
- `messages`: what to say, as data (`Question`, `Logged`, `Summary`, ...); rendered to
  English by `bot.texts.workout.render`.
- `effects`: what the shell must do (`LogSet`, `RemoveSet`, `StartRest`, `StopRest`,
  `StoreLoads`, `Say`).
- `machine`: `begin`, `step`, `prompt`.
- `intake`: typed text read with the workout's context (`bot.coach.reading`) as an event,
  or a question, request or "not understood" for the shell to answer.

One workout has one unit (`WorkoutState.unit`, the lifter's): a weight typed in the other
unit is converted and rounded to something loadable before it is stored or shown.
A message reader produces `SetReported` with any number of `ReportedSet`s, each with
optional weight, unit, reps in reserve or RPE, and a warm-up flag.
"""

from bot.coach.session.effects import (
    Effect,
    LogSet,
    RemoveSet,
    Say,
    StartRest,
    StopRest,
    StoreCheck,
    StoreLoads,
)
from bot.coach.session.events import (
    At,
    Cancel,
    Event,
    Finish,
    ReportedSet,
    RestOver,
    RirAnswered,
    SetReported,
    Show,
    Skip,
    StartWeightGiven,
    Swap,
    SwapAsked,
    Undo,
    WarmupsDone,
    WarmupsSkipped,
)
from bot.coach.session.machine import (
    begin,
    needs_past,
    next_loads,
    prompt,
    step,
    swap_options,
    warmup_sets,
)
from bot.coach.session.messages import (
    AlreadyLogged,
    AnswerUndone,
    Cancelled,
    CheckStartWeight,
    Eased,
    ExerciseDone,
    Logged,
    Message,
    NextLoad,
    NothingToUndo,
    Question,
    RampSkipped,
    ReadAs,
    RestIsOver,
    Resumed,
    SetUndone,
    Skipped,
    Started,
    StartWeightSet,
    Summary,
    SwapMenu,
    Swapped,
    SwapRefused,
    WarmupsLogged,
)
from bot.coach.session.state import (
    Awaiting,
    DoneSet,
    ExerciseState,
    ExerciseStatus,
    Load,
    WorkoutState,
    WorkoutStatus,
)

__all__ = [
    "AlreadyLogged",
    "AnswerUndone",
    "At",
    "Awaiting",
    "Cancel",
    "Cancelled",
    "CheckStartWeight",
    "DoneSet",
    "Eased",
    "Effect",
    "Event",
    "ExerciseDone",
    "ExerciseState",
    "ExerciseStatus",
    "Finish",
    "Load",
    "LogSet",
    "Logged",
    "Message",
    "NextLoad",
    "NothingToUndo",
    "Question",
    "RampSkipped",
    "ReadAs",
    "RemoveSet",
    "ReportedSet",
    "RestIsOver",
    "RestOver",
    "Resumed",
    "RirAnswered",
    "Say",
    "SetReported",
    "SetUndone",
    "Show",
    "Skip",
    "Skipped",
    "StartRest",
    "StartWeightGiven",
    "StartWeightSet",
    "Started",
    "StopRest",
    "StoreCheck",
    "StoreLoads",
    "Summary",
    "Swap",
    "SwapAsked",
    "SwapMenu",
    "SwapRefused",
    "Swapped",
    "Undo",
    "WarmupsDone",
    "WarmupsLogged",
    "WarmupsSkipped",
    "WorkoutState",
    "WorkoutStatus",
    "begin",
    "needs_past",
    "next_loads",
    "prompt",
    "step",
    "swap_options",
    "warmup_sets",
]
