"""The record of articles added through the app: which file, and when.

`.added` in the corpus folder holds one line per added article: its file name,
a tab, and the time it was added (ISO 8601, UTC). A line with only a file name
(written before the time was kept) is an added article of unknown date. Every
other article of the folder came with the corpus.

The record is what lets the UI mark an added article wherever it is cited, so
an upload can never pass for one of the articles the corpus shipped with.

This module neither reads articles nor indexes them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

RECORD = ".added"


@dataclass(frozen=True)
class Added:
    """An article added through the app."""

    file: str  # its file name in the corpus folder
    at: str | None = None  # when it was added: ISO 8601 in UTC, None when not recorded

    def label(self) -> str:
        """How the UI names the article's origin.

        >>> Added("bridge.md", "2026-03-01T09:30:00+00:00").label()
        'added from bridge.md on 2026-03-01 09:30 UTC'
        >>> Added("bridge.md").label()
        'added from bridge.md'
        """
        when = f" on {self.at[:10]} {self.at[11:16]} UTC" if self.at else ""
        return f"added from {self.file}{when}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_added(folder: Path) -> dict[str, Added]:
    """File name -> Added, for every article the record names."""
    path = folder / RECORD
    if not path.is_file():
        return {}
    records = {}
    for line in path.read_text("utf-8").splitlines():
        name, _, at = line.strip().partition("\t")
        if name:
            records[name] = Added(name, at.strip() or None)
    return records


def write_added(folder: Path, records: dict[str, Added]) -> None:
    """Replace the record, under a temporary name first so a crash leaves the old one."""
    lines = "".join(
        f"{name}\t{record.at}\n" if record.at else f"{name}\n"
        for name, record in sorted(records.items())
    )
    temporary = folder / f"{RECORD}.tmp"
    temporary.write_text(lines, "utf-8")
    temporary.replace(folder / RECORD)
