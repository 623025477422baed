"""How long the coach takes to read one lifter's message: the median over the corpus.

Reads every message of tests/corpus/messages.tsv in its context, many times, and prints
the median and the 99th percentile per message. A figure to watch, never a test:

    python -m benchmarks.reading [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.report import percentile
from bot.coach.reading import read_message
from tests.coach.corpus import read_tsv
from tests.coach.test_reading_corpus import CONTEXTS


def main() -> None:
    """Time each corpus message `--rounds` times and print one line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    messages = [(row["text"], CONTEXTS[row["context"]]) for row in read_tsv("messages.tsv")]
    for text, context in messages:  # warm the caches of the libraries under it
        read_message(text, context)
    timings: list[float] = []
    for _ in range(args.rounds):
        for text, context in messages:
            start = time.perf_counter()
            read_message(text, context)
            timings.append((time.perf_counter() - start) * 1e6)
    print(
        f"read_message: median {statistics.median(timings):.0f} us, "
        f"p99 {percentile(timings, 0.99):.0f} us per message "
        f"({len(messages)} corpus messages x {args.rounds} rounds)"
    )


if __name__ == "__main__":
    main()
