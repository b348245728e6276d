"""Thread-dependent branches, guard probabilities, and per-thread block frequencies.

A branch is divergent when its condition depends on the thread index (``%tid``,
``%laneid``, or a value loaded through a thread-dependent address). For a launch, each
branch's condition is evaluated for every sampled thread; inside a loop whose counter it
reads, it is averaged over the loop's iterations (all of them up to ``ITERATION_SAMPLES``,
else that many evenly spaced), so the tree reduction's ``if (tid < s)`` gets its exact
average. Block frequencies then follow the CFG: a block's per-thread count is the sum of
its incoming edges' flow; a loop header multiplies its entry flow by the trip count; the
flow that leaves a loop equals the flow that entered it, split over its exits in
proportion to how often each exit edge is taken.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from flipflop.analysis.cfg import CFG
from flipflop.analysis.dataflow import Dataflow
from flipflop.analysis.symbolic import Expr, NotEvaluable, single_op

ITERATION_SAMPLES = 32
UNKNOWN_BRANCH_PROBABILITY = 0.5
# A magnitude at least this large (or infinite) is taken never to occur in data the analysis does
# not follow: libdevice's trigonometric range reduction goes its slow way (Payne-Hanek, a local
# array) past |x| = 105615 (f32) or 2^31 (f64), and tests |x| == inf; real arguments are far smaller.
HUGE_MAGNITUDE = 1e5
# Sign-bit positions of the float formats' words (fp16, the high word of fp64 and fp32, fp64 as one
# word): a mask of the contiguous bits just below one, at least this long, is an exponent field.
SIGN_BITS = (15, 31, 63)
EXPONENT_MIN_BITS = 5


@dataclass(frozen=True)
class BranchFacts:
    """A conditional branch for one launch: the share of arriving threads that take it."""

    line: int
    thread_dependent: bool
    taken_fraction: float | None  # None when the condition cannot be evaluated
    loop_control: bool


def thread_dependent_branches(dataflow: Dataflow) -> tuple[int, ...]:
    """Blocks whose branch condition depends on the thread index."""
    return tuple(sorted(b for b, br in dataflow.branches.items() if br.condition.varying()))


def magnitude_prior(cond: Expr) -> float | None:
    """1 or 0 for a test of data the analysis cannot evaluate for a value real data does not take:
    a magnitude ``|x|`` against a huge constant (``HUGE_MAGNITUDE`` or more, or infinity), taken to
    stay below it, and a float's exponent field against all ones (``(hi & 0x7ff00000) ==
    0x7ff00000``: infinity or NaN, libdevice's pow and log guard their special cases so), taken
    never to hold. None for any other condition."""
    atom = single_op(cond)
    if atom is None or atom.kind not in ("lt", "le", "gt", "ge", "eq", "ne") or len(atom.args) != 2:
        return None
    if atom.kind in ("eq", "ne") and any(_exponent_all_ones(a, b) for a, b in (atom.args, atom.args[::-1])):
        return 0.0 if atom.kind == "eq" else 1.0
    below = {"lt": True, "le": True, "gt": False, "ge": False, "eq": False, "ne": True}[atom.kind]
    for magnitude, bound, holds in ((atom.args[0], atom.args[1], below), (atom.args[1], atom.args[0], not below)):
        if _single_kind(magnitude) == "fabs" and _single_kind(bound) == "fconst":
            value = single_op(bound).data[0]
            if math.isinf(value) or abs(value) >= HUGE_MAGNITUDE:
                if atom.kind in ("eq", "ne"):
                    return 0.0 if atom.kind == "eq" else 1.0
                return 1.0 if holds else 0.0
    return None


def _exponent_all_ones(masked: Expr, bound: Expr) -> bool:
    """Whether ``masked`` is ``and(x, M)`` and ``bound`` is ``M``, M an exponent field: a run of at
    least ``EXPONENT_MIN_BITS`` set bits ending just below a sign bit."""
    atom = single_op(masked)
    if atom is None or atom.kind != "and" or len(atom.args) != 2 or not atom.args[1].is_const:
        return False
    mask = int(atom.args[1].const)
    if not bound.is_const or int(bound.const) != mask or mask <= 0:
        return False
    low = (mask & -mask).bit_length() - 1
    run = mask >> low
    return (run + 1) & run == 0 and run.bit_length() >= EXPONENT_MIN_BITS and low + run.bit_length() in SIGN_BITS


def _single_kind(expr: Expr) -> str | None:
    atom = single_op(expr)
    return atom.kind if atom is not None else None


def condition_mean(cond: Expr, env: Mapping[str, object], memo: dict, size: int,
                   counter: str | None, trip: np.ndarray | None,
                   loop_memos: dict | None = None) -> np.ndarray | None:
    """Per-thread mean of a 0/1 condition, over the loop iterations when it reads ``counter``.

    ``loop_memos`` (one dict per launch, for ``env``) lets the conditions of one loop share
    the iteration environment and the values of their common sub-expressions."""
    try:
        if counter is not None and trip is not None and counter in cond.symbols():
            shared = loop_memos.get(counter) if loop_memos is not None else None
            if shared is None:
                shared = _iterations(env, counter, trip)
                if loop_memos is not None:
                    loop_memos[counter] = shared
            steps, mask, sub, sub_memo = shared
            values = np.broadcast_to(np.asarray(cond.evaluate(sub, sub_memo)) != 0, steps.shape[:1] + (size,))
            counts = np.maximum(mask.sum(axis=0), 1)
            return (values & mask).sum(axis=0) / counts
        values = np.asarray(cond.evaluate(env, memo)) != 0
        return np.broadcast_to(values, (size,)).astype(float)
    except (NotEvaluable, OverflowError, ValueError):
        return None


def _iterations(env: Mapping[str, object], counter: str, trip: np.ndarray) -> tuple:
    """(steps, mask, environment with ``counter`` = steps, memo) for averaging over a loop's
    iterations: every iteration up to ITERATION_SAMPLES, else that many evenly spaced."""
    longest = int(np.max(trip)) if trip.size else 1
    if longest <= ITERATION_SAMPLES:
        steps = np.arange(max(longest, 1), dtype=np.int64)[:, None]
        mask = steps < trip[None, :]
    else:
        steps = (np.arange(ITERATION_SAMPLES)[:, None] * trip[None, :] // ITERATION_SAMPLES)
        steps = steps.astype(np.int64)
        mask = np.ones(steps.shape, dtype=bool)
    sub = dict(env)
    sub[counter] = steps
    return steps, mask, sub, {}


def block_frequencies(cfg: CFG, dataflow: Dataflow, trips: Mapping[int, np.ndarray],
                      taken: Mapping[int, np.ndarray | None], size: int) -> list[np.ndarray]:
    """Per-thread execution count of every block (``size`` sampled threads)."""
    freq: list[np.ndarray | None] = [None] * len(cfg.blocks)
    entry_flow: dict[int, np.ndarray] = {}
    shares: dict[int, dict[tuple[int, int], np.ndarray]] = {}
    controlling = {s.loop.index: s.controlling_block for s in dataflow.loops}
    zeros = np.zeros(size)

    def edge_probability(p: int, b: int) -> np.ndarray | float:
        succ = cfg.blocks[p].successors
        if len(succ) < 2 or succ[0] == succ[1] or p not in dataflow.branches:
            return 1.0
        prob = taken.get(p)
        prob = UNKNOWN_BRANCH_PROBABILITY if prob is None else prob
        return prob if b == dataflow.branches[p].taken else 1.0 - prob

    def exit_shares(index: int) -> dict[tuple[int, int], np.ndarray]:
        if index in shares:
            return shares[index]
        loop = cfg.loops[index]
        edges = cfg.exit_edges(loop)
        raw = {}
        for p, s in edges:
            if freq[p] is None:
                raw[(p, s)] = zeros
            elif p == controlling.get(index):
                raw[(p, s)] = freq[p] / np.maximum(trips[index], 1.0)
            else:
                raw[(p, s)] = freq[p] * edge_probability(p, s)
        total = sum(raw.values(), zeros)
        even = 1.0 / max(len(edges), 1)
        shares[index] = {e: np.where(total > 0, r / np.where(total > 0, total, 1.0), even)
                         for e, r in raw.items()}
        return shares[index]

    for b in cfg.order:
        if b == 0:
            flow = np.ones(size)
        else:
            flow = zeros
            for p in cfg.blocks[b].predecessors:
                if (p, b) in cfg.back_edges or freq[p] is None:
                    continue
                left = [lp for lp in cfg.loops_of(p) if b not in lp.blocks]
                if left:
                    outer = left[0]
                    flow = flow + entry_flow.get(outer.index, zeros) * exit_shares(outer.index).get((p, b), 0.0)
                else:
                    flow = flow + freq[p] * edge_probability(p, b)
        for loop in cfg.loops:
            if loop.header == b:
                entry_flow[loop.index] = flow
                flow = flow * trips[loop.index]
        freq[b] = flow
    return [f if f is not None else zeros for f in freq]
