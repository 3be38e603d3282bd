"""The shipped answer scorer: what it prefers, when it says nothing answers, and
that it refuses files that are not the ones it was shipped with.

The features are the real model's token vectors, so these tests encode with it
(offline)."""

import json
import shutil

import numpy as np
import pytest

from assistant.embedding import Tokens
from assistant.errors import ModelError
from assistant.scorer import MODEL_DIR, PARAMS_FILE, AnswerScorer, Candidate, Question
from tests.conftest import run_python

pytestmark = pytest.mark.integration

RACE = [
    "The weather in Lisbon was cold and windy on Sunday.",
    "Maria Lopez won the city marathon in a record time of 2:19.",
    "About 12,000 runners took part, organisers said.",
]


@pytest.fixture(scope="module")
def scorer() -> AnswerScorer:
    return AnswerScorer()


@pytest.fixture(scope="module")
def encode(reference):
    def encode(texts: list[str]) -> tuple[np.ndarray, list[Tokens]]:
        return reference.encode_tokens(texts)

    return encode


def question(encode, text: str) -> Question:
    vectors, tokens = encode([text])
    return Question(tokens[0], vectors[0])


def candidates(encode, sentences: list[str], before: str | None = None) -> list[Candidate]:
    vectors, tokens = encode(sentences + ([before] if before else []))
    return [
        Candidate(
            tokens[i],
            vectors[i],
            tokens[-1] if before else None,
            vectors[-1] if before else None,
            context=0.5,
            lexical=1.0,
        )
        for i in range(len(sentences))
    ]


def test_the_sentence_that_answers_scores_highest_and_above_the_cut(scorer, encode):
    race = candidates(encode, RACE)
    verdict = scorer.score(question(encode, "Who won the marathon?"), race)
    assert verdict.found
    assert verdict.probabilities.argmax() == 1
    assert verdict.probabilities[1] >= scorer.threshold
    verdict = scorer.score(question(encode, "How many runners took part?"), race)
    assert verdict.probabilities.argmax() == 2


def test_a_question_from_another_subject_is_not_found(scorer, encode):
    verdict = scorer.score(
        question(encode, "What is the recipe for plov?"), candidates(encode, RACE)
    )
    assert not verdict.found


def test_a_sentence_is_read_with_the_one_before_it(scorer, encode):
    asked = question(encode, "Which documents were signed?")
    sentence = "These included a deal on fisheries."
    alone = scorer.score(asked, candidates(encode, [sentence, RACE[0]]))
    read = scorer.score(
        asked, candidates(encode, [sentence, RACE[0]], "The ministers signed two documents.")
    )
    assert read.probabilities[0] > alone.probabilities[0]


def copy_model(tmp_path):
    folder = tmp_path / "scorer"
    shutil.copytree(MODEL_DIR, folder)
    return folder


def test_a_damaged_model_file_is_refused_with_a_message(tmp_path):
    folder = copy_model(tmp_path)
    params = json.loads((folder / PARAMS_FILE).read_text())
    table = folder / params["idf"]
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0xFF
    table.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        AnswerScorer(folder)


def test_a_model_trained_for_another_feature_layout_is_refused(tmp_path):
    folder = copy_model(tmp_path)
    params = json.loads((folder / PARAMS_FILE).read_text())
    params["feature_version"] = -1
    (folder / PARAMS_FILE).write_text(json.dumps(params))
    with pytest.raises(ModelError, match="layout"):
        AnswerScorer(folder)


def test_scoring_needs_neither_torch_nor_onnxruntime():
    code = (
        "import sys, numpy as np\n"
        "from assistant.embedding import Tokens, unit_rows\n"
        "from assistant.scorer import AnswerScorer, Candidate, Question\n"
        "rng = np.random.default_rng(0)\n"
        "def t(n): return Tokens(unit_rows(rng.normal(size=(n, 384))), np.arange(n) + 2000)\n"
        "v = unit_rows(rng.normal(size=(2, 384)))\n"
        "s = AnswerScorer().score(Question(t(4), v[0]), [Candidate(t(9), v[1], None, None, 0.4, 1.0)])\n"
        "assert 0.0 <= s.probabilities[0] <= 1.0\n"
        "print('torch' in sys.modules, 'onnxruntime' in sys.modules)\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"
