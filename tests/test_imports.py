"""Start-up stays light: commands that do not embed never import torch."""

import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("torch", "sentence_transformers", "transformers")


def imported_after(code: str) -> list[str]:
    probe = code + f"\nimport sys\nprint([m for m in {HEAVY!r} if m in sys.modules])\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])


def test_help_does_not_import_torch():
    code = "from assistant.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    0"
    assert imported_after(code) == []


def test_assistant_and_retrieval_modules_do_not_import_torch():
    code = "import assistant.assistant, assistant.retrieve, assistant.onnx_embedding"
    assert imported_after(code) == []


def test_app_starts_without_torch():
    assert imported_after("import app") == []
