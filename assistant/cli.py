"""Command line: `assistant index | ask | chat | eval | bench` (also `python -m assistant`).

Every command takes --corpus and --index, so the same commands serve any folder
of articles. Standard output carries only results; progress and messages go to
standard error. A user mistake ends with one line saying what to do and exit
status 2, never a traceback.
"""

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from assistant.answer import Answer
from assistant.errors import AssistantError
from assistant.export_cache import default_cache_dir
from assistant.settings import Settings

SECTIONS = ("cold", "warm", "build", "scale", "app", "load")  # of `assistant bench`


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_assistant(args):
    from assistant.assistant import Assistant

    settings = Settings(
        corpus_dir=Path(args.corpus),
        index_dir=Path(args.index),
        model=args.model,
        cache_dir=default_cache_dir(os.environ),
    )
    return Assistant(settings, progress=say)


def index_state(settings: Settings, embedder):
    """(the index, '') when it is up to date, else (None or the index, what to do and why)."""
    from assistant.onnx_embedding import fast_path_problem
    from assistant.store import load_index

    try:
        index = load_index(settings, embedder)
    except AssistantError as reason:
        return None, f"{reason}; building it"
    problem = fast_path_problem(settings.index_dir, index.manifest, embedder)
    if problem and hasattr(embedder, "export_onnx"):
        return index, f"{problem}; restoring it"
    return index, ""


def cmd_index(args) -> int:
    from assistant.staging import building
    from assistant.store import build_index

    assistant = make_assistant(args)
    began = time.perf_counter()
    settings, embedder = assistant.settings, assistant.embedder
    index, problem = index_state(settings, embedder)
    if problem:
        # Under the lock, and checked again: a second `assistant index` started
        # meanwhile waits here, then finds the first one's index up to date.
        with building(settings.index_dir, say):
            index, problem = index_state(settings, embedder)
            if problem:
                say(problem)
                index = build_index(settings, embedder, say)
            else:
                say("another build brought the index up to date; nothing to embed")
    else:
        say("index is up to date; nothing to embed")
    m = index.manifest
    say(
        f"indexed {m['documents']} documents, {m['sentences']} sentences, "
        f"{m['passages']} passages in {time.perf_counter() - began:.1f} s ({m['index_type']})"
    )
    return 0


def render(answer) -> str:
    lines = [answer.text]
    if answer.query and answer.query != answer.question:
        lines.insert(0, f"(searched for: {answer.query})\n")
    if answer.citations:
        lines.append("\nSources:")
        for c in answer.citations:
            lines.append(f"  [{c.n}] {c.title}, paragraph {c.paragraph}, sentence {c.sentence}")
            if c.text not in answer.text:
                lines.append(f"      {c.text}")
    return "\n".join(lines)


def cmd_ask(args) -> int:
    assistant = make_assistant(args)
    answer = assistant.ask(args.question)
    if answer.error:
        say(f"error: {answer.error}")
        return 2
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(render(answer))
    return 0


def cmd_chat(args) -> int:
    assistant = make_assistant(args)
    history = []
    for line in sys.stdin:
        question = line.rstrip("\n")
        if not question.strip():
            history = []
            continue
        try:
            answer = assistant.ask(question, history)
        except AssistantError:
            raise
        except Exception as exc:  # a bug must not end the whole conversation
            traceback.print_exc(file=sys.stderr)
            answer = Answer(question, "", "Internal error; see the log.", False, error=repr(exc))
        if not answer.error:
            history.append(answer)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(render(answer) + "\n", flush=True)
    return 0


def cmd_eval(args) -> int:
    from tools.evaluate import run_gold

    if args.format != "gold":
        from tools.external import run_external

        return run_external(args)
    assistant = make_assistant(args)
    scores = run_gold(assistant.ask, Path(args.gold))
    summary = scores.summary()
    if args.json:
        print(
            json.dumps({"summary": summary, "misses": scores.misses}, ensure_ascii=False, indent=2)
        )
        return 0
    for name, value in summary.items():
        print(f"{name:22s} {value}")
    if scores.misses:
        print(f"\nmisses ({len(scores.misses)}):")
        for miss in scores.misses:
            print("  " + json.dumps(miss, ensure_ascii=False))
    return 0


def cmd_bench(args) -> int:
    from tools.bench import run

    sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    sections = set(args.only.split(",")) if args.only else set(SECTIONS)
    if args.quick:
        sizes = [s for s in sizes if s <= 100_000]
    print(run(sizes, 1 if args.quick else 3, sections))
    return 0


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", default="corpus", help="folder of .txt/.md articles")
    common.add_argument("--index", default="index", help="folder of the persisted index")
    common.add_argument(
        "--model", default=None, help="sentence-transformers model name or folder (offline)"
    )
    top = argparse.ArgumentParser(prog="assistant", description=__doc__.split("\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("index", parents=[common], help="build or refresh the index").set_defaults(
        run=cmd_index
    )
    ask = commands.add_parser("ask", parents=[common], help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the chat contract's JSON object")
    ask.set_defaults(run=cmd_ask)
    chat = commands.add_parser("chat", parents=[common], help="a conversation on standard input")
    chat.add_argument("--json", action="store_true", help="one JSON object per answer")
    chat.set_defaults(run=cmd_chat)
    evaluate = commands.add_parser("eval", parents=[common], help="score against gold questions")
    evaluate.add_argument("gold", help="gold JSONL (eval/README.md format) or external data file")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument(
        "--format", default="gold", choices=["gold", "squad", "hotpot", "quac", "coqa", "all"]
    )
    evaluate.add_argument("--limit", type=int, default=None, help="questions per data set")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.set_defaults(run=cmd_eval)
    bench = commands.add_parser("bench", help="measure speed; prints one table (takes minutes)")
    bench.add_argument("--sizes", default="1e4,1e5,1e6", help="synthetic corpus sizes (comma list)")
    bench.add_argument("--quick", action="store_true", help="one cold run each, sizes up to 100k")
    bench.add_argument("--only", default="", help="sections: " + ",".join(SECTIONS))
    bench.set_defaults(run=cmd_bench)
    return top


def main(argv: list[str] | None = None) -> int:
    # Bytes that are not UTF-8 (in a question typed on standard input) arrive as
    # lone surrogates, which the question check refuses with a message; writing
    # one back (the question, echoed in --json) must not end the program either.
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "backslashreplace")):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=errors)
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except AssistantError as problem:
        say(f"error: {problem}")
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130
