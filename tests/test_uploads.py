"""The upload folder: an added upload's copy goes at once, anything else once it is old."""

import os
import time

from assistant.uploads import discard, sweep


def made(path, data: bytes, age: float = 0.0):
    """A file written `age` seconds ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_sweep_deletes_old_files_and_old_empty_folders_and_keeps_the_rest(tmp_path):
    folder = tmp_path / "uploads"
    old = made(folder / "abc" / "x.bin", b"x", age=900)
    partial = made(folder / "tmp123", b"", age=900)
    fresh = made(folder / "def" / "y.txt", b"y")
    empty = folder / "ghi"
    empty.mkdir()
    os.utime(empty, (time.time() - 900,) * 2)
    assert sweep(folder, older_than=600) == 2
    assert not old.exists() and not partial.exists() and not empty.exists()
    assert fresh.exists()


def test_discard_deletes_an_upload_and_its_folder_but_nothing_outside(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "abc").mkdir(parents=True)
    upload = folder / "abc" / "note.md"
    upload.write_text("note")
    elsewhere = tmp_path / "corpus.txt"
    elsewhere.write_text("article")
    discard(upload, folder)
    discard(elsewhere, folder)
    assert not upload.exists() and not (folder / "abc").exists()
    assert elsewhere.exists()
