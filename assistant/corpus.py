"""Load a folder of articles into `Document`s.

A document is one `.txt` or `.md` file. Its id is the file name without the
extension (stable across runs); its title is the first markdown heading, else the
file name made readable. A leading ` date YYYY-MM-DD ` header is metadata: it is
cut off before any splitting, so it never shows up in a sentence or a citation.

This module does not split text; see chunking.py.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError

SUFFIXES = (".txt", ".md")

# " date 2024-11-19 " at the very start of the file, before the first sentence.
DATE_HEADER = re.compile(r"\A\ufeff?[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]+")
# Control characters other than tab, line feed, carriage return and form feed:
# NUL and its kin mean a binary or damaged file, and would be quoted back.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# A markdown heading line; its closing hashes and trailing blanks are cut in
# `heading_title`, since a lazy group followed by `[ \t#]*$` retried the tail at
# every character: a heading line of n blanks before a word took n * n steps.
MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Document:
    id: str  # file name without extension
    title: str
    text: str  # the body: file text after the date header
    date: str | None  # ISO date from the header, if any
    path: str  # file name inside the corpus folder


def parse_document(name: str, raw: bytes) -> Document:
    """Turn one file's bytes into a Document, or raise CorpusError naming it.

    >>> parse_document("visit.txt", b" date 2024-11-19 ASTANA - Talks.").text
    'ASTANA - Talks.'
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{name} is not UTF-8 text (bad byte at position {exc.start}); "
            "save it as UTF-8 and try again"
        ) from None
    text = text.removeprefix("\ufeff")
    control = CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise CorpusError(
            f"{name} holds a control character (U+{ord(control.group()):04X} on line {line}), "
            "which is not text; save it as plain UTF-8 text and try again"
        )
    date = None
    header = DATE_HEADER.match(text)
    if header:
        date = header.group(1)
        text = text[header.end() :]
    if not text.strip():
        raise CorpusError(f"{name} is empty: it holds no text to answer from")
    stem = Path(name).stem
    heading = MD_HEADING.search(text) if name.endswith(".md") else None
    title = heading_title(heading.group(1)) if heading else readable_title(stem)
    return Document(id=stem, title=title, text=text, date=date, path=name)


def heading_title(line: str) -> str:
    """A heading's text without its closing hashes and trailing blanks.

    >>> heading_title("Trade talks ##")
    'Trade talks'
    >>> heading_title("#")
    '#'
    """
    return line.rstrip(" \t#") or line[:1]


def readable_title(stem: str) -> str:
    """File stem to a title.

    >>> readable_title("tokayev-visit-to-serbia")
    'Tokayev visit to serbia'
    """
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else stem


def corpus_files(folder: Path) -> list[Path]:
    """The article files of a folder, sorted by name, or CorpusError."""
    if not folder.is_dir():
        raise CorpusError(
            f"corpus folder {folder} does not exist; create it and add .txt or .md files"
        )
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        raise CorpusError(
            f"corpus folder {folder} has no .txt or .md files; add at least one article"
        )
    return files


def read_corpus(folder: Path) -> tuple[list[Document], str]:
    """Every article in `folder`, sorted by file name, and the corpus hash.

    Both come from one read of each file, so the hash always describes the
    documents returned, even when a file changes while the index is built.
    """
    documents, digest = [], hashlib.sha256()
    for path in corpus_files(folder):
        raw = path.read_bytes()
        digest.update(hashed_entry(path.name, raw))
        documents.append(parse_document(path.name, raw))
    seen: dict[str, str] = {}
    for document in documents:
        if document.id in seen:
            raise CorpusError(
                f"{seen[document.id]} and {document.path} in {folder} would share the id "
                f"{document.id!r}; rename one of them"
            )
        seen[document.id] = document.path
    return documents, digest.hexdigest()


def load_corpus(folder: Path) -> list[Document]:
    """Every article in `folder`, sorted by file name."""
    return read_corpus(folder)[0]


def hashed_entry(name: str, raw: bytes) -> bytes:
    return name.encode() + b"\0" + raw + b"\0"


def corpus_hash(folder: Path) -> str:
    """sha256 over file names and bytes: changes whenever any article changes."""
    digest = hashlib.sha256()
    for path in corpus_files(folder):
        digest.update(hashed_entry(path.name, path.read_bytes()))
    return digest.hexdigest()
