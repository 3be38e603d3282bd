"""Extractive, cited question answering over news articles.

The public entry point is `Assistant.ask(question, history) -> Answer`; the CLI
(`assistant ...`) and the Gradio app (`app.py`) both call it. Heavy modules
(torch, faiss, onnxruntime) are imported lazily, so importing this package is cheap.
"""

import os

# onnxruntime's telemetry is on by default: importing it writes a device id and an
# event database under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and sends DNS
# queries for its collector every 30-60 s. Only this variable, set before the
# import, stops it (onnxruntime.disable_telemetry_events() does not). Every entry
# point (CLI, app, bench, training) imports this package before onnxruntime, so
# this is the one place that covers them all. Nothing this project does may leave
# the machine, so a value set outside is overridden too.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
