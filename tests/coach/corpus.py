"""The corpora of real lifters' messages and exercise names kept in tests/corpus/."""

import csv
from pathlib import Path

CORPUS = Path(__file__).parents[1] / "corpus"


def read_tsv(name: str) -> list[dict[str, str]]:
    """The rows of one corpus file, by column name (tabs only: messages may hold quotes)."""
    with (CORPUS / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))


def source_keys() -> set[str]:
    """The keys of tests/corpus/sources.tsv, where every corpus row says it comes from."""
    return {row["key"] for row in read_tsv("sources.tsv")}
