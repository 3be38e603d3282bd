import json

import pytest

from assistant import cli
from assistant.chunking import split_document
from assistant.corpus import parse_document
from assistant.errors import DataError
from tests.conftest import FakeEmbedder
from tools.external import best_threshold, evaluate, overlapping
from tools.external_data import load_coqa, load_hotpot, load_quac, load_squad

FIRST = "The Loire rises in the Massif Central. It flows north to Orleans."
SECOND = "Nantes lies on its estuary. The river is 1,006 km long."
SQUAD = {
    "version": "v2.0",
    "data": [
        {
            "title": "Loire river",
            "paragraphs": [
                {
                    "context": FIRST,
                    "qas": [
                        {
                            "id": "a",
                            "question": "Where does the Loire rise?",
                            "answers": [{"text": "the Massif Central", "answer_start": 19}],
                            "is_impossible": False,
                        },
                        {
                            "id": "b",
                            "question": "Where does the Seine rise?",
                            "answers": [],
                            "is_impossible": True,
                        },
                    ],
                },
                {
                    "context": SECOND,
                    "qas": [
                        {
                            "id": "c",
                            "question": "How long is the river?",
                            "answers": [
                                {"text": "1,006 km", "answer_start": SECOND.index("1,006")},
                                {"text": "1,006 km long", "answer_start": SECOND.index("1,006")},
                            ],
                            "is_impossible": False,
                        }
                    ],
                },
            ],
        }
    ],
}


def sentences_of(text: str):
    return split_document(parse_document("d.txt", text.encode()))[0]


def test_a_span_maps_to_the_sentences_it_overlaps():
    text = "One sentence here. The answer is Paris. A third one."
    sentences = sentences_of(text)
    paris = text.index("Paris")
    assert overlapping(sentences, [(paris, paris + 5)]) == {1}
    assert overlapping(sentences, [(text.index("here"), paris)]) == {0, 1}
    assert overlapping(sentences, []) == frozenset()


def test_squad_article_is_one_document_with_spans_shifted_per_paragraph():
    [corpus] = load_squad(SQUAD)
    assert corpus.text == FIRST + "\n\n" + SECOND
    turns = {t.id: t for [t] in corpus.dialogs}
    assert [corpus.text[a:b] for a, b in turns["a"].spans] == ["the Massif Central"]
    assert [corpus.text[a:b] for a, b in turns["c"].spans] == ["1,006 km", "1,006 km long"]
    assert not turns["b"].answerable
    paragraphs = {s.paragraph for s in sentences_of(corpus.text)}
    assert paragraphs == {1, 2}


def test_squad_sample_depends_only_on_the_seed():
    many = json.loads(json.dumps(SQUAD))
    qas = many["data"][0]["paragraphs"][0]["qas"]
    qas += [{**qas[0], "id": f"a{i}"} for i in range(30)]
    ids = [[t.id for [t] in load_squad(many, 5, seed)[0].dialogs[:5]] for seed in (0, 0, 1)]
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]
    counts = [t.answerable for [t] in load_squad(many, 5, 0)[0].dialogs]
    assert counts.count(True) == 5 and counts.count(False) == 1


def test_hotpot_supporting_facts_become_spans_of_the_dataset_sentences():
    record = {
        "_id": "h1",
        "question": "Which river is longer?",
        "supporting_facts": [["Loire", 1], ["Seine", 0], ["Seine", 7]],
        "context": [
            ["Loire", ["The Loire is a river.", " It is 1,006 km long."]],
            ["Seine", ["The Seine is 777 km long.", " It flows through Paris."]],
        ],
    }
    [corpus] = load_hotpot([record])
    [[turn]] = corpus.dialogs
    assert corpus.text.split("\n\n")[1] == "The Seine is 777 km long. It flows through Paris."
    assert [corpus.text[a:b] for a, b in turn.spans] == [
        "It is 1,006 km long.",
        "The Seine is 777 km long.",
    ]


def test_quac_drops_the_trailing_marker_and_cannotanswer_turns_are_unanswerable():
    context = "Vissi married in 1983. She sang. CANNOTANSWER"
    data = {
        "data": [
            {
                "paragraphs": [
                    {
                        "id": "C_1",
                        "context": context,
                        "qas": [
                            {
                                "id": "q0",
                                "question": "when did she marry?",
                                "orig_answer": {"text": "married in 1983", "answer_start": 6},
                            },
                            {
                                "id": "q1",
                                "question": "any children?",
                                "orig_answer": {"text": "CANNOTANSWER", "answer_start": 33},
                            },
                        ],
                    }
                ]
            }
        ]
    }
    [corpus] = load_quac(data)
    assert corpus.text == "Vissi married in 1983. She sang."
    first, second = corpus.dialogs[0]
    assert [corpus.text[a:b] for a, b in first.spans] == ["married in 1983"]
    assert not second.answerable


def test_coqa_rationale_is_the_span_and_unknown_is_unanswerable():
    story = {
        "id": "s1",
        "story": "The library opened in 1475. It holds books.",
        "questions": [
            {"input_text": "When did it open?", "turn_id": 1},
            {"input_text": "Who paid?", "turn_id": 2},
        ],
        "answers": [
            {"span_start": 12, "span_end": 27, "input_text": "1475", "turn_id": 1},
            {"span_start": -1, "span_end": -1, "input_text": "unknown", "turn_id": 2},
        ],
    }
    [corpus] = load_coqa({"data": [story]})
    when, who = corpus.dialogs[0]
    assert [corpus.text[a:b] for a, b in when.spans] == ["opened in 1475."]
    assert not who.answerable


def test_best_threshold_is_the_cut_with_the_best_balanced_accuracy():
    assert best_threshold([0.9, 0.8, 0.3, 0.2], [True, True, False, False]) == (0.8, 1.0)
    assert best_threshold([0.9, 0.4, 0.5, 0.2], [True, True, False, False]) == (0.4, 0.75)


def test_squad_evaluation_scores_the_assistant_and_the_baseline(tmp_path):
    path = tmp_path / "squad_tiny.json"
    path.write_text(json.dumps(SQUAD))
    rows, outcomes, _ = evaluate("squad", path, FakeEmbedder(), progress=lambda _: None)
    assert len(outcomes) == 3
    by_id = {o.turn.id: o for o in outcomes}
    assert by_id["a"].gold == {0} and by_id["c"].gold == {3}
    assert not by_id["b"].gold
    figures = {r.metric: r for r in rows}
    assert figures["answerable questions"].assistant == 2
    assert figures["first citation holds the answer"].baseline is not None


def test_eval_command_prints_assistant_beside_baseline(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("tools.external.SentenceTransformerEmbedder", lambda model: FakeEmbedder())
    (tmp_path / "squad_tiny.json").write_text(json.dumps(SQUAD))
    code = cli.main(["eval", "--format", "squad", str(tmp_path), "--seed", "3"])
    out = capsys.readouterr().out
    assert code == 0
    assert "SQuAD 2.0 (seed 3" in out and "assistant" in out and "baseline" in out
    assert "first citation holds the answer" in out


def test_eval_command_without_the_data_file_says_what_to_pass(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("tools.external.SentenceTransformerEmbedder", lambda model: FakeEmbedder())
    code = cli.main(["eval", "--format", "hotpot", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "hotpot*.json" in err and "Traceback" not in err


def test_layout_errors_name_the_format(tmp_path):
    path = tmp_path / "coqa_bad.json"
    path.write_text(json.dumps({"data": [{"id": "x"}]}))
    with pytest.raises(DataError, match="coqa layout"):
        evaluate("coqa", path, FakeEmbedder(), progress=lambda _: None)


def test_eval_json_gives_every_row_with_its_baseline(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("tools.external.SentenceTransformerEmbedder", lambda model: FakeEmbedder())
    (tmp_path / "squad_tiny.json").write_text(json.dumps(SQUAD))
    assert cli.main(["eval", "--format", "squad", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    rows = {r["metric"]: r for r in result["formats"]["squad"]["rows"]}
    assert rows["first citation holds the answer"]["baseline_is"] == "RRF top 1"
    assert result["seed"] == 0
