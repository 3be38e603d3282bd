"""Extractive, cited question answering over news articles.

The public entry point is `Assistant.ask(question, history) -> Answer`; the CLI
(`assistant ...`) and the Gradio app (`app.py`) both call it. Heavy modules
(torch, faiss, onnxruntime) are imported lazily, so importing this package is cheap.
"""

__version__ = "0.1.0"
