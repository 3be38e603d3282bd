"""The command line with the fake embedder, for tests that need a process of their own.

`python -m tests.fake_cli index --corpus C --index I` runs `assistant index`
with tests/conftest.py's FakeEmbedder. Two environment variables hold it at a
known place, so that a test can act while it is there:

- FAKE_HOLD_AT: "embedding" (the first batch of texts) or the name of an index
  file (just before it is renamed into place); there it prints "holding at X"
  to standard error and waits
- until the file FAKE_HOLD_UNTIL exists (a minute at most; without it, until it
  is killed).
"""

import os
import sys
import time


def hold(place: str) -> None:
    if os.environ.get("FAKE_HOLD_AT") != place:
        return
    print(f"holding at {place}", file=sys.stderr, flush=True)
    until = os.environ.get("FAKE_HOLD_UNTIL")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (until and os.path.exists(until)):
        time.sleep(0.05)


def held() -> None:
    import assistant.assistant
    from tests.conftest import FakeEmbedder

    class HeldEmbedder(FakeEmbedder):
        def encode(self, texts):
            hold("embedding")
            return super().encode(texts)

    assistant.assistant.SentenceTransformerEmbedder = lambda model=None: HeldEmbedder()
    replace = os.replace

    def held_replace(source, target, *args, **kwargs):
        hold(os.path.basename(target))
        return replace(source, target, *args, **kwargs)

    os.replace = held_replace


if __name__ == "__main__":
    held()
    from assistant.cli import main

    sys.exit(main(sys.argv[1:]))
