"""Writing the index folder: one build at a time, whole files or none, plain failures.

- `building(folder)` holds a file lock (`.build.lock`, with filelock) for a
  whole build, so that two `assistant index` runs, or the app and the command
  line, never write one folder at once: the second waits, then finds the index
  the first one built.
- `write_atomic` writes each file under a temporary name (`.NAME.tmp-PID`) and
  renames it, so a reader sees the old file or the new one, never half of one.
- A build killed with `kill -9` leaves its temporary files behind; the next
  build, holding the lock, removes those of processes that no longer run.
- A folder that cannot be written (read-only, full disk) raises IndexStoreError
  naming the folder as the user gave it and what to do, never a bare
  PermissionError.

This module does not decide what goes into the index; store.py does.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.errors import IndexStoreError

LOCK_FILE = ".build.lock"
# `.sentences.jsonl.tmp-4711`, `.bm25.tmp-4711` (a folder), `.model.onnx.tmp-4711`.
TEMPORARY = re.compile(r"\..+\.tmp-(\d+)")


def temporary(folder: Path, name: str) -> Path:
    """Where `name` is written before it is renamed into place."""
    return folder / f".{name}.tmp-{os.getpid()}"


def shown(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it.

    >>> shown(Path.cwd() / "index")
    'index'
    >>> shown(Path("/elsewhere/index"))
    '/elsewhere/index'
    """
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def unwritable(folder: Path, problem: Exception) -> IndexStoreError:
    reason = getattr(problem, "strerror", None) or str(problem) or type(problem).__name__
    return IndexStoreError(
        f"cannot write the index folder {shown(folder)} ({reason[:1].lower()}{reason[1:]}); "
        "make it writable, or pass --index with a folder you can write"
    )


def write_atomic(folder: Path, name: str, write: Callable[[Path], None]) -> None:
    """Write folder/name through `write(path)` under a temporary name, then rename it."""
    staged = temporary(folder, name)
    try:
        write(staged)
        os.replace(staged, folder / name)
    except (OSError, RuntimeError) as problem:  # faiss reports a failed write as RuntimeError
        remove(staged)
        raise unwritable(folder, problem) from None


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove(path: Path) -> None:
    """Best effort: a file that cannot be removed now is removed by a later build."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
        return
    with suppress(OSError):
        path.unlink(missing_ok=True)


def remove_leftovers(folder: Path) -> list[str]:
    """Remove the temporary files of builds that were killed; their names.

    Called with the lock held, so no other build is writing: a temporary file
    of this process is left from an earlier build that failed.
    """
    removed = []
    for path in folder.iterdir():
        match = TEMPORARY.fullmatch(path.name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or not running(pid):
            remove(path)
            removed.append(path.name)
    return sorted(removed)


@contextmanager
def building(folder: Path, progress: Callable[[str], None]) -> Iterator[None]:
    """Hold the folder's build lock (waiting for another build to end) and clear leftovers.

    The lock is reentrant within a thread, so code that already holds it may
    call a function that takes it again.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(folder / LOCK_FILE, is_singleton=True)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            progress(f"another build of {shown(folder)} is running; waiting for it to finish")
            lock.acquire()
    except OSError as problem:
        raise unwritable(folder, problem) from None
    try:
        if lock.lock_counter == 1:  # not already held by a caller in this thread
            removed = remove_leftovers(folder)
            if removed:
                progress(f"removed {len(removed)} temporary files left by a build that was stopped")
        yield
    finally:
        lock.release()
