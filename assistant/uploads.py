"""The app's upload folder: where Gradio puts uploaded files until they are added.

The folder belongs to one app process (app.py makes it, and removes it at
exit), so everything in it is the app's own and may be deleted: an upload
that was added is deleted at once (`discard`), and whatever else is older
than a few minutes (uploads posted but never added, Gradio's partial files)
is deleted by `sweep`, which app.py runs on a schedule. Gradio's own cache
cleaning only knows the files it recorded, not its partial ones.

This module neither reads uploads nor adds them to the corpus; library.py does.
"""

import contextlib
import threading
import time
from pathlib import Path


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def discard(path: str | Path, folder: Path) -> None:
    """Delete an upload's copy, and the folder Gradio made for it when that is now empty;
    nothing outside `folder`."""
    copy = Path(path)
    if not inside(copy, folder):
        return
    copy.unlink(missing_ok=True)
    if copy.parent.resolve() != folder.resolve():
        # Not empty when another upload of the same content is on its way.
        with contextlib.suppress(OSError):
            copy.parent.rmdir()


def sweep(folder: Path, older_than: float) -> int:
    """Delete the files in `folder` last changed more than `older_than` seconds ago,
    then the folders left empty; the number of files deleted."""
    cutoff = time.time() - older_than
    deleted = 0
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # gone already, or in use: the next sweep
            if path.is_dir():
                if not any(path.iterdir()) and path.stat().st_mtime < cutoff:
                    path.rmdir()
            elif path.lstat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
    return deleted


def sweep_every(folder: Path, seconds: float, older_than: float) -> threading.Thread:
    """Run `sweep` every `seconds` in a daemon thread, for as long as the process lives."""

    def loop() -> None:
        while True:
            time.sleep(seconds)
            sweep(folder, older_than)

    thread = threading.Thread(target=loop, name="sweep-uploads", daemon=True)
    thread.start()
    return thread
