"""Abstract interpretation of a PTX function's integer registers as symbolic expressions.

PTX registers are not SSA: a loop re-assigns its counters. The interpreter walks the
blocks in topological order (back edges removed). At a loop header every register the
loop assigns is replaced by a header symbol ``H<loop>:<reg>``; once the loop's blocks are
interpreted, the value at the latch is compared with the header symbol:

- ``latch = H + step`` with ``step`` loop-invariant → induction variable
  ``H = init + step × i<loop>`` (``i`` counts completed iterations from 0);
- ``latch = H >> k`` / ``H << k`` → geometric (``init >> k·i``), the tree-reduction stride;
- anything else → an unknown.

The loop's trip count is solved from its controlling exit branch (``trip.py``). Values
that leave the loop take ``i = trip - 1``. Where two paths join with different values the
join becomes ``select(condition, a, b)`` on the dominating branch, so guards such as
nvcc's unroll-remainder split stay exact.
"""
from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from flipflop.analysis.cfg import CFG, Loop
from flipflop.analysis.opcodes import FLOAT_TYPE_CLASS, operand_type, state_space
from flipflop.analysis.symbolic import (
    FLOAT_SUFFIX, GRID_WORKSPACE_SYMBOLS, LAUNCH_SYMBOLS, THREAD_SYMBOLS, Expr, NotEvaluable, Op, Sym, choose, const,
    Unknown, fconst, is_float_valued, op, select_conditions, single_op, sym, unknown)
from flipflop.analysis.tripcount import solve_trip_count
from flipflop.frontend.ir import Function, Instruction, Module, Operand, Param
from flipflop.frontend.ptx_parser import TYPE_BYTES

ARRAY_UNION = "|"  # joins the parameters an address may be based on (a select between arrays)

# PTX's predefined identifiers that are constants (PTX ISA §4.5 "Predefined identifiers"):
# ``warpSize`` compiles to ``mov.u32 %r, WARP_SZ``, and WARP_SZ is 32 on every target.
PREDEFINED_CONSTANTS: dict[str, int] = {"WARP_SZ": 32}
# setp comparison → symbolic comparison (unsigned and float-unordered forms map to the
# same order; floats are unknown values anyway).
_COMPARE: dict[str, str] = {
    "eq": "eq", "ne": "ne", "lt": "lt", "le": "le", "gt": "gt", "ge": "ge",
    "lo": "lt", "ls": "le", "hi": "gt", "hs": "ge",
    "equ": "eq", "neu": "ne", "ltu": "lt", "leu": "le", "gtu": "gt", "geu": "ge",
}
_SPECIAL_SYMBOLS = THREAD_SYMBOLS | LAUNCH_SYMBOLS | GRID_WORKSPACE_SYMBOLS
# The name standing for the start of a block's shared window, where a generic pointer into it comes
# from an offset rather than a named variable (`cvta.shared` of `%reserved_smem_offset_1`).
SHARED_WINDOW = "%shared_window"
_MAX_PATH_DEPTH = 32  # blocks a join's path conditions may span
_UNSIGNED_BITS = {"u16": 16, "u32": 32, "u64": 64}
_SIGNED_BITS = {"s16": 16, "s32": 32, "s64": 64}
BIT_SCANS = ("popc", "clz", "brev", "bfind")  # one-operand bit scans, evaluated by symbolic.bit_scan
MAX_BISECTION_BOUNDS = 4  # registers a loop keeps or replaces by a select, tried as a binary search's bounds
MAX_STEP_CONDITIONS = 6  # distinct select conditions a loop's step is checked over (2^k ways)
_MEMORY_OPS: dict[str, str] = {"ld": "load", "ldu": "load", "st": "store", "atom": "atomic",
                               "red": "atomic", "cp": "load", "wmma": "load"}
# wmma fragment → (row count, elements per row) for each layout, from the shape mMnNkK.
_WMMA_TILES = {
    ("a", "row"): ("m", "k"), ("a", "col"): ("k", "m"),
    ("b", "row"): ("k", "n"), ("b", "col"): ("n", "k"),
    ("c", "row"): ("m", "n"), ("c", "col"): ("n", "m"),
    ("d", "row"): ("m", "n"), ("d", "col"): ("n", "m"),
}
_WMMA_SHAPE = re.compile(r"m(\d+)n(\d+)k(\d+)")


@dataclass(frozen=True)
class MemoryAccess:
    """One static memory instruction with its resolved address expression."""

    instruction: Instruction
    block: int
    space: str
    op: str  # load | store | atomic
    bytes: int
    address: Expr
    base_param: str | None  # the pointer parameter the address is based on
    cached_read_only: bool
    # A warp-wide matrix fragment (wmma): rows × row_bytes, rows ``row_stride`` bytes apart,
    # starting at the address; None for per-thread accesses.
    tile: tuple[int, int] | None = None
    row_stride: Expr | None = None
    # The integer constant a plain store writes (`mask[tid] = false`), None for any other value.
    stored: int | None = None


@dataclass(frozen=True)
class BranchCondition:
    """A conditional branch: ``condition`` (0/1 expression) is true when it is taken."""

    block: int
    taken: int
    fallthrough: int
    condition: Expr


@dataclass(frozen=True)
class LoopSummary:
    """A loop's counter symbol and trip count (header executions per entry)."""

    loop: Loop
    counter: str
    trip_count: Expr | None
    data_dependent: bool
    controlling_block: int | None  # the block whose branch decides the trip count


@dataclass(frozen=True)
class Dataflow:
    accesses: tuple[MemoryAccess, ...]
    branches: dict[int, BranchCondition]
    loops: tuple[LoopSummary, ...]
    pointer_params: frozenset[str]
    address_symbols: dict[str, str]  # "&name" → space of the variable
    predicates: dict[int, Expr]  # instruction line → guard value (1 = executes)
    # Integer fields read from struct parameters passed by value: (parameter, byte offset, type)
    param_fields: frozenset[tuple[str, int, str]] = frozenset()
    # Sized module-scope .global arrays ("&name" → bytes): a base for addresses like a parameter's
    global_bytes: dict[str, int] = field(default_factory=dict)


# param_field_symbol's form for a 64-bit field: a pointer in a struct argument when an address adds it.
_STRUCT_POINTER = re.compile(r"(?P<param>.+)\+\d+:[bsu]64")


def param_field_symbol(param: str, offset: int, typ: str) -> str:
    """The symbol of an integer field of a struct parameter (``ld.param.u32 %r1, [k_param_0+8]``)."""
    return f"{param}+{offset}:{typ}"


def counter_symbol(loop: Loop) -> str:
    return f"i{loop.index}"


class _Interpreter:
    def __init__(self, module: Module, function: Function, cfg: CFG):
        self.function = function
        self.cfg = cfg
        self.params = {p.name: p for p in function.params}
        self.spaces: dict[str, str] = {SHARED_WINDOW: "shared"}
        for var in module.variables + function.variables:
            self.spaces[var.name] = var.space
        self.global_bytes = {f"&{var.name}": var.size_bytes for var in module.variables + function.variables
                             if var.space == "global" and var.size_bytes > 0}
        self.env_out: dict[int, dict[str, Expr]] = {}
        self.subst: dict[str, Expr] = {}
        self.summaries: dict[int, LoopSummary] = {}
        self.bisections: dict[int, dict[str, Expr]] = {}  # per loop: a binary search's bounds, for its trip count
        self.init: dict[int, dict[str, Expr]] = {}
        self.defs = {lp.index: self._defined(lp) for lp in cfg.loops}
        # Looked up per block and per loop: a scan over every loop each time is quadratic
        # in a kernel's loop count.
        self.children: dict[int, list[Loop]] = {lp.index: [] for lp in cfg.loops}
        self.headed: dict[int, list[Loop]] = {}
        for lp in cfg.loops:
            if lp.parent is not None:
                self.children[lp.parent].append(lp)
            self.headed.setdefault(lp.header, []).append(lp)
        self.raw_accesses: list[tuple[Instruction, int, str, str, int, Expr, tuple | None, int | None]] = []
        self.raw_branches: dict[int, tuple[int, int, Expr]] = {}
        self.raw_predicates: dict[int, Expr] = {}
        self.pointer_params: set[str] = set()
        self.param_fields: set[tuple[str, int, str]] = set()
        self._resolved: dict[str, Expr] = {}
        self._subs_memo: dict = {}  # Expr.subs memo for the current ``subst``
        self._choose_memo: dict = {}  # choose() memos by (condition, truth), for one loop

    def _defined(self, loop: Loop) -> set[str]:
        regs: set[str] = set()
        for b in loop.blocks:
            for ins in self.cfg.blocks[b].instructions:
                for dest in _destinations(ins):
                    regs.add(dest)
        return regs

    # ----- values -------------------------------------------------------------------
    def value(self, operand: Operand, env: dict[str, Expr]) -> Expr:
        kind = operand.kind
        if kind == "reg":
            return env.get(operand.text) or unknown(f"undef{operand.text}", False)
        if kind == "imm":
            return const(operand.value) if isinstance(operand.value, int) else fconst(operand.value)
        if kind == "special":
            name = operand.text.lstrip("%")
            if name.startswith("reserved_smem_offset"):
                return const(0)  # the reserved shared region (cooperative groups' scratch) opens the window
            return sym(name) if name in _SPECIAL_SYMBOLS else unknown(name, True)
        if kind == "symbol":
            name = operand.base or operand.text
            if name in PREDEFINED_CONSTANTS:
                return const(PREDEFINED_CONSTANTS[name])
            return self._symbol_address(name)
        if kind == "addr":
            return self.address(operand, env)
        return unknown(operand.text, True)

    def _symbol_address(self, name: str) -> Expr:
        if name in self.params:
            return unknown(f"&{name}", False)
        return sym(f"&{name}")

    def address(self, operand: Operand, env: dict[str, Expr]) -> Expr:
        if operand.base is None:
            return const(operand.offset)
        if operand.base.startswith("%"):
            base = env.get(operand.base) or unknown(f"undef{operand.base}", False)
        else:
            base = self._symbol_address(operand.base)
        return base + operand.offset

    # ----- loops --------------------------------------------------------------------
    def resolve(self, expr: Expr) -> Expr:
        cached = self._resolved.get(str(expr))
        if cached is not None:
            return cached
        out = expr
        for _ in range(len(self.cfg.loops) + 2):
            nxt = out.subs(self.subst, self._subs_memo)
            if nxt == out:
                break
            out = nxt
        self._resolved[str(expr)] = out
        return out

    def finalize(self, loop: Loop) -> None:
        if loop.index in self.summaries:
            return
        for inner in self.children[loop.index]:
            self.finalize(inner)
        counter = counter_symbol(loop)
        self._choose_memo = {}
        latch_envs = [self.env_out[lt] for lt in loop.latches if lt in self.env_out]
        init = self.init.get(loop.index, {})
        own = {f"H{loop.index}:{r}" for r in self.defs[loop.index]}
        copies: dict[str, tuple[Expr, Expr]] = {}
        for reg in sorted(self.defs[loop.index]):
            header = f"H{loop.index}:{reg}"
            h = sym(header)
            start = init.get(reg, unknown(f"undef{reg}", False))
            values = {str(e.get(reg, h)): e.get(reg, h) for e in latch_envs}
            if len(values) != 1:
                # latches that leave different values (an unrolled loop's and its remainder's):
                # the start plus a change, the same for every thread where each latch's step is
                uniform = all(self._uniform_step(loop, v, h, own) for v in values.values())
                self.subst[header] = start + unknown(f"loop{loop.index}:{reg}", not uniform)
                continue
            latch = next(iter(values.values()))
            self.subst[header] = self._recurrence(loop, reg, h, latch, start, counter, own)
            if self.subst[header].has_unknown():
                copies[header] = (latch, start)
        self._copies_of_counters(copies, own, counter)
        self._bisection(loop, copies, counter)
        self._resolved.clear()
        self._subs_memo.clear()
        self.summaries[loop.index] = self._trip(loop, counter)

    def _copies_of_counters(self, copies: dict[str, tuple[Expr, Expr]], own: set[str], counter: str) -> None:
        """Registers the loop recomputes from an induction variable each iteration (nvcc widens
        an `int` counter compared with a `size_t` bound: ``cvt.s64.s32 %rd, %r`` at the latch):
        the value a latch leaves, in terms of the solved counters, is the header's value one
        iteration later; where that also gives the value the loop starts with, it is exact."""
        solved = {name: value for name, value in self.subst.items() if name in own and not value.has_unknown()}
        i = sym(counter)
        for header, (latch, start) in copies.items():
            after = latch.subs(solved)  # the value at the end of iteration i
            assigned = self._assigned_under_condition(after, sym(header), own, counter)
            if assigned is not None:
                # Assigned only under a condition the loop does not change (`if (active) { indg0
                # = indg; ... }`, HeCBench laplace3d): the last assignment's value where it holds,
                # the value before the loop where it does not (undefined: where it is read, this
                # iteration's assignment made it).
                condition, truth, value = assigned
                value = value.subs({counter: i - 1})
                if not str(start).startswith("?undef"):
                    value = op("select", condition, value, start) if truth else op("select", condition, start, value)
                self.subst[header] = value
                continue
            if after.has_unknown() or after.symbols() & own or after.linear_in(counter) is None:
                continue  # only copies of affine counters (a geometric one's shift would go negative)
            before = after.subs({counter: i - 1})
            if before.subs({counter: const(0)}) == start:
                self.subst[header] = before

    def _bisection(self, loop: Loop, copies: dict[str, tuple[Expr, Expr]], counter: str) -> None:
        """Registers ``low``, ``high`` whose gap every iteration halves whichever way its data-dependent
        branch goes (a binary search: `mid = low + (high - low) / 2`, then `high = mid` or `low = mid`,
        ±1; nvcc may carry the gap in a register of its own): for the trip count only, the gap after
        i iterations is taken as gap₀ >> i, so `while (high - low > 1)` runs log2(gap₀) times
        (HeCBench bsearch: 23 levels over 8 M keys, counted once before). The registers' values stay
        unknown: which half a search takes is the data's."""
        unsolved = [h for h, (latch, _) in copies.items()
                    if self.subst[h].has_unknown() and not is_float_valued(latch)]
        # Each bound is kept or replaced by a select: only those registers are tried as bounds.
        bounds = [h for h in unsolved if _keeps_or_replaces(copies[h][0], h)]
        if len(bounds) > MAX_BISECTION_BOUNDS:
            return
        for low, high in itertools.permutations(bounds, 2):
            low_start, high_start = copies[low][1], copies[high][1]
            if low_start.has_unknown() or high_start.has_unknown():
                continue
            gaps = [g for g in unsolved if g not in (low, high) and copies[g][1] == high_start - low_start]
            as_gap = {g: sym(high) - sym(low) for g in gaps}
            latches = [copies[r][0].subs(as_gap) for r in (low, high, *gaps)]
            if _halves_gap(latches, low, high):
                at = op("shr", high_start - low_start, sym(counter))
                self.bisections[loop.index] = {low: low_start, high: low_start + at, **dict.fromkeys(gaps, at)}
                return

    def _choose(self, expr: Expr, condition: Expr, truth: bool) -> Expr:
        """``symbolic.choose``, sharing its work over one loop's registers (their expressions
        share sub-expressions and conditions)."""
        return choose(expr, condition, truth, self._choose_memo.setdefault((condition._key, truth), {}))

    def _assigned_under_condition(self, after: Expr, header: Expr, own: set[str],
                                  counter: str) -> tuple[Expr, bool, Expr] | None:
        """(c, t, v) when ``after`` is ``v`` where ``c`` is ``t`` and ``header`` (unchanged)
        otherwise, with ``c`` loop-invariant (free of the loop's header symbols ``own`` and of its
        counter) and ``v`` free of ``own``."""
        if is_float_valued(after):
            return None
        # Not `own | {counter}`: a loop of an unrolled tensor-core GEMM assigns ~20,000 registers, and a
        # copy of that set for each of them took 10 s (cuda-samples immaTensorCoreGemm, sweep 14).
        condition = next((c for c in select_conditions(after)
                          if counter not in c.symbols() and not (c.symbols() & own)), None)
        if condition is None:
            return None
        branches = [self._choose(after, condition, truth) for truth in (True, False)]
        if (branches[0] == header) == (branches[1] == header):
            return None
        truth = branches[1] == header
        value = branches[0] if truth else branches[1]
        return None if value.symbols() & own else (condition, truth, value)

    def _recurrence(self, loop: Loop, reg: str, h: Expr, latch: Expr, start: Expr, counter: str,
                    own: set[str]) -> Expr:
        """``own``: the header symbols of every register the loop assigns."""
        if latch.symbols() & own:  # else the step `latch - h` keeps h: not an arithmetic sequence
            step = latch - h
            if not (step.symbols() & own):
                return start + step * sym(counter)
        condition = None
        if not is_float_valued(latch):
            condition = next((c for c in select_conditions(latch) if not (c.symbols() & own)), None)
        if condition is not None:
            # `if (active) indg += stride;` under a condition the loop does not change (HeCBench
            # laplace3d, unrolled: two such updates an iteration): the step is one of two
            # loop-invariant values, the same every iteration.
            steps = [self._choose(latch, condition, truth) - h for truth in (True, False)]
            if not any(x.symbols() & own for x in steps):
                return start + op("select", condition, *steps) * sym(counter)
        # A geometric step reads the register's own value: a latch free of it (the ~20,000 accumulators an
        # unrolled tensor-core GEMM reassigns each iteration) cannot be one, and building the ten candidates
        # for each took 12 s (sweep 14).
        for k in range(1, 6) if not h.symbols().isdisjoint(latch.symbols()) else ():
            if latch == op("shr", h, const(k)) or _halves_signed(latch, h, k):
                return op("shr", start, const(k) * sym(counter))
            if latch == h * (1 << k):
                return op("shl", start, const(k) * sym(counter))
        # Not solved: the start plus a change the analysis does not follow, so an address keeps
        # its array (what bounds its traffic) and its thread-dependent start.
        return start + unknown(f"loop{loop.index}:{reg}", not self._uniform_step(loop, latch, h, own))

    def _uniform_step(self, loop: Loop, latch: Expr, h: Expr, own: set[str]) -> bool:
        """Whether every iteration adds to ``h`` a value the same for every thread: with each of the
        loop's values taken as its start plus a shift the same for every thread (the copies of a
        bumped pointer an unrolled loop keeps move together), on each way through the latch's
        selects, the conditions and ``latch - h`` are free of the thread (HeCBench vol2col's pointer
        bumped by a plane a step; an index advanced under a uniform `if (flags[k])`)."""
        init = self.init.get(loop.index, {})
        shifted = {name: init[name.partition(":")[2]] + sym(f"{name}+") if name.partition(":")[2] in init else sym(name)
                   for name in (latch.symbols() | h.symbols()) & own}
        latch, h = latch.subs(shifted), h.subs(shifted)
        conditions = list(dict.fromkeys(select_conditions(latch)))
        if len(conditions) > MAX_STEP_CONDITIONS or any(c.varying() for c in conditions):
            return False
        return not any(_differs_by_thread(value, h) for value, in _select_ways([latch], conditions, self._choose))

    def _trip(self, loop: Loop, counter: str) -> LoopSummary:
        candidates = [b for b in loop.latches if b in self.raw_branches] + \
                     [b for b, _ in self.cfg.exit_edges(loop) if b in self.raw_branches]
        for block in candidates:
            taken, fallthrough, cond = self.raw_branches[block]
            inside_taken, inside_fall = taken in loop.blocks, fallthrough in loop.blocks
            if inside_taken == inside_fall:
                continue
            raw = cond if inside_taken else op("not", cond)
            stay = self.resolve(raw)
            trip = solve_trip_count(stay, counter)
            if trip is None and loop.index in self.bisections:
                stay = self._bisection_stay(raw, loop)
                trip = None if stay is None else solve_trip_count(self.resolve(stay), counter)
            if trip is None:
                return LoopSummary(loop, counter, None, stay.has_load(), block)
            return LoopSummary(loop, counter, trip, trip.has_load(), block)
        return LoopSummary(loop, counter, None, False, None)

    def _bisection_stay(self, stay: Expr, loop: Loop) -> Expr | None:
        """A binary search's condition to go on, at its gap model (``_bisection``): it goes on
        while either half would (the longer search); None where it reads anything else."""
        stay = stay.subs(self.bisections[loop.index])
        conditions = list(dict.fromkeys(select_conditions(stay)))
        if len(conditions) > MAX_STEP_CONDITIONS:
            return None
        ways = [way for way, in _select_ways([stay], conditions)]
        if any(way.has_load() or way.has_unknown() for way in ways):
            return None
        return functools.reduce(lambda a, b: op("max", a, b), ways)

    def _resolved_summary(self, summary: LoopSummary) -> LoopSummary:
        if summary.trip_count is None:
            return summary
        trip = self.resolve(summary.trip_count)
        return replace(summary, trip_count=trip, data_dependent=trip.has_load())

    def leave(self, env: dict[str, Expr], loops: list[Loop], enclosing: tuple[Loop, ...]) -> dict[str, Expr]:
        """Values on an edge that leaves ``loops`` (innermost first) from inside ``enclosing``
        (every loop holding the edge's source): counters at their last iteration."""
        for loop in loops:
            self.finalize(loop)
        mapping: dict[str, Expr] = {}
        for loop in loops:
            summary = self.summaries[loop.index]
            if summary.trip_count is not None:
                mapping[summary.counter] = summary.trip_count - 1
        # Only a register assigned in a finalized loop around the edge (the left ones, and an
        # enclosing one finalized early by another exit) can hold symbols that resolving
        # changes; every other one was resolved when its value left its loop. Re-resolving the
        # whole environment at each exit made a long kernel quadratic in its loop count.
        assigned = set().union(*(self.defs[lp.index] for lp in enclosing if lp.index in self.summaries))
        out: dict[str, Expr] = dict(env)
        memo: dict = {}
        counters = [counter_symbol(lp) for lp in loops]
        for reg in [r for r in env if r in assigned]:
            resolved = self.resolve(env[reg])
            resolved = resolved.subs(mapping, memo)
            if any(c in resolved.symbols() for c in counters):
                resolved = _start_plus_unknown(resolved, counters, f"exit{reg}")
            out[reg] = resolved
        return out

    # ----- blocks -------------------------------------------------------------------
    def entry_env(self, b: int) -> dict[str, Expr]:
        block = self.cfg.blocks[b]
        incoming: list[tuple[int, dict[str, Expr]]] = []
        for p in block.predecessors:
            if (p, b) in self.cfg.back_edges or p not in self.env_out:
                continue
            left = [lp for lp in reversed(self.cfg.loops_of(p)) if b not in lp.blocks]
            env = self.leave(self.env_out[p], left, self.cfg.loops_of(p)) if left else self.env_out[p]
            incoming.append((p, env))
        env = self._merge(b, incoming)
        for loop in self.headed.get(b, ()):
            self.init[loop.index] = dict(env)
            for reg in self.defs[loop.index]:
                # A value the loop carries differs between threads where it starts so (a pointer
                # to the thread's element, bumped each iteration; HeCBench vol2col).
                start = env.get(reg)
                env[reg] = sym(f"H{loop.index}:{reg}", start is not None and start.varying())
        return env

    def _merge(self, b: int, incoming: list[tuple[int, dict[str, Expr]]]) -> dict[str, Expr]:
        if not incoming:
            return {}
        if len(incoming) == 1:
            return dict(incoming[0][1])
        # Registers holding the very same value on every edge pass through; only the others
        # (few, next to the many a long kernel keeps live) are compared and joined.
        envs = [e for _, e in incoming]
        head = envs[0]
        differing: set[str] = set()
        for e in envs[1:]:
            differing.update(reg for reg, value in e.items() if head.get(reg) is not value)
            differing.update(reg for reg in head if reg not in e)
        conditions: list[Expr] | None = None
        out: dict[str, Expr] = dict(head)
        for reg in sorted(differing):
            values = [e[reg] for _, e in incoming if reg in e]
            first = values[0]
            if all(v == first for v in values[1:]):
                out[reg] = first
                continue
            if conditions is None:
                conditions = self._edge_conditions(b, [p for p, _ in incoming]) or []
            if conditions and len(values) == len(incoming):
                merged = values[-1]
                for cond, value in zip(reversed(conditions[:-1]), reversed(values[:-1])):
                    merged = op("select", cond, value, merged)
                out[reg] = merged
            else:
                out[reg] = unknown(f"phi{b}:{reg}", any(v.varying() for v in values))
        return out

    def _edge_conditions(self, b: int, preds: list[int]) -> list[Expr] | None:
        """For each predecessor, the condition under which control arrives over its edge,
        relative to ``b``'s immediate dominator; None when it cannot be expressed."""
        d = self.cfg.idom[b]
        if d is None:
            return None
        memo: dict[int, Expr | None] = {}
        conditions = []
        for p in preds:
            arrive = self._arrive(p, b, d, memo, 0)
            if arrive is None:
                return None
            conditions.append(arrive)
        return conditions

    def _edge(self, p: int, b: int) -> Expr:
        if p not in self.raw_branches:
            return const(1)
        taken, fallthrough, cond = self.raw_branches[p]
        if taken == fallthrough:
            return const(1)
        return cond if b == taken else op("not", cond)

    def _arrive(self, p: int, b: int, d: int, memo: dict[int, Expr | None], depth: int) -> Expr | None:
        """Condition for taking edge p → b, given control is at ``d``. Leaving a loop through
        its only exit target happens whenever the loop is entered."""
        left = [lp for lp in self.cfg.loops_of(p) if b not in lp.blocks]
        if left:
            loop = left[0]
            if d in loop.blocks or len({s for _, s in self.cfg.exit_edges(loop)}) != 1:
                return None
            return self._reach(loop.header, d, memo, depth + 1)
        reach = self._reach(p, d, memo, depth + 1)
        return None if reach is None else op("land", reach, self._edge(p, b))

    def _reach(self, p: int, d: int, memo: dict[int, Expr | None], depth: int) -> Expr | None:
        """Condition for reaching ``p`` from its dominator ``d``. A block that post-dominates
        its own dominator is reached whenever that dominator is."""
        if p == d:
            return const(1)
        if p in memo:
            return memo[p]
        if depth > _MAX_PATH_DEPTH:
            return None
        parent = self.cfg.idom[p]
        if parent is not None and parent != p and self.cfg.postdominates(p, parent) \
                and self.cfg.dominates(d, parent) and not any(
                    lp.header == p for lp in self.cfg.loops):
            result = self._reach(parent, d, memo, depth + 1)
        else:
            result = None
            for q in self.cfg.blocks[p].predecessors:
                if (q, p) in self.cfg.back_edges:
                    if any(lp.header == p and d in lp.blocks for lp in self.cfg.loops):
                        return None
                    continue
                if not self.cfg.dominates(d, q):
                    return None
                term = self._arrive(q, p, d, memo, depth + 1)
                if term is None:
                    return None
                result = term if result is None else op("lor", result, term)
        memo[p] = result
        return result

    def run_block(self, b: int) -> None:
        env = self.entry_env(b)
        block = self.cfg.blocks[b]
        for ins in block.instructions:
            if ins.opcode == "bra" and ins.predicate and len(block.successors) == 2:
                pred = env.get(ins.predicate) or unknown(ins.predicate, True)
                cond = op("not", pred) if ins.predicate_negated else pred
                self.raw_branches[b] = (block.successors[0], block.successors[1], cond)
                continue
            if ins.predicate:
                pred = env.get(ins.predicate) or unknown(ins.predicate, True)
                self.raw_predicates[ins.line] = op("not", pred) if ins.predicate_negated else pred
            self._record_access(ins, b, env)
            self._execute(ins, env)
        self.env_out[b] = env

    def _record_access(self, ins: Instruction, b: int, env: dict[str, Expr]) -> None:
        kind = _MEMORY_OPS.get(ins.opcode)
        if kind is None:
            return
        addrs = [o for o in ins.operands if o.kind == "addr"]
        if not addrs:
            return
        mods = ins.modifiers
        if ins.opcode == "cp":
            if "async" not in mods:
                return
            address = self.address(addrs[-1], env)
            size = next((o.value for o in ins.operands if o.kind == "imm"), 16)
            self.raw_accesses.append((ins, b, "global", "load", int(size), address, None, None))
            return
        tile = None
        if ins.opcode == "wmma":
            tile = self._wmma_tile(ins, env)
            if tile is None:
                return
            kind = "store" if "store" in mods else "load"
            nbytes = tile[0] * tile[1] // 32
        else:
            nbytes = _access_bytes(ins)
        space = state_space(ins)
        if space == "param":
            return
        address = self.address(addrs[0], env)
        stored = None
        if ins.opcode == "st" and ins.operands[-1].kind in ("reg", "imm"):
            value = self.value(ins.operands[-1], env)
            stored = int(value.const) if value.is_const else None
        self.raw_accesses.append((ins, b, space or "", kind, nbytes, address, tile, stored))

    def _wmma_tile(self, ins: Instruction, env: dict[str, Expr]) -> tuple[int, int, Expr] | None:
        """(rows, row_bytes, row stride in bytes) of a wmma.load/store fragment."""
        mods = ins.modifiers
        shape = next((m for m in map(_WMMA_SHAPE.fullmatch, mods) if m), None)
        fragment = next((m for m in mods if m in ("a", "b", "c", "d")), None)
        layout = next((m for m in mods if m in ("row", "col")), None)
        typ = operand_type(ins)
        if "mma" in mods or shape is None or fragment is None or layout is None or typ not in TYPE_BYTES:
            return None
        dims = dict(zip("mnk", (int(g) for g in shape.groups())))
        rows_dim, cols_dim = _WMMA_TILES[(fragment, layout)]
        element = TYPE_BYTES[typ]
        ldm = self.value(ins.operands[-1], env) if ins.operands[-1].kind in ("reg", "imm") else None
        stride = ldm * element if ldm is not None else const(dims[cols_dim] * element)
        return dims[rows_dim], dims[cols_dim] * element, stride

    # ----- instruction semantics ----------------------------------------------------
    def _execute(self, ins: Instruction, env: dict[str, Expr]) -> None:
        dests = _destinations(ins)
        if not dests:
            return
        fields = self._param_vector_fields(ins, env) if len(dests) > 1 else None
        if fields:
            env.update(fields)
            return
        new = self._semantics(ins, env)
        if len(dests) > 1 or new is None:
            varying = any(self.value(o, env).varying() for o in ins.operands[1:] if o.kind != "vector")
            varying = varying or ins.opcode in ("shfl", "atom", "vote", "match", "redux", "ld", "call")
            for d in dests:
                env[d] = unknown(f"L{ins.line}:{d}", varying)
            return
        if ins.predicate and ins.opcode != "setp":
            old = env.get(dests[0]) or unknown(f"undef{dests[0]}", False)
            guard = self.raw_predicates[ins.line]
            new = op("select", guard, new, old)
        env[dests[0]] = new

    def _semantics(self, ins: Instruction, env: dict[str, Expr]) -> Expr | None:
        o = ins.opcode
        ops = ins.operands
        typ = operand_type(ins)
        is_float = typ in FLOAT_TYPE_CLASS
        v = lambda k: self.value(ops[k], env)  # noqa: E731
        if o == "ld":
            return self._load(ins, env)
        if o == "cvt" and len(ops) == 2:
            return self._convert(ins, v(1))
        if is_float:
            return self._float_semantics(ins, env)
        if any(x.kind in ("reg", "imm") and is_float_valued(self.value(x, env)) for x in ops[1:]):
            return None  # a float's bits (mov.b32 %r, %f): not followed

        if o == "cvta" and len(ops) == 2 and "shared" in ins.modifiers and "to" not in ins.modifiers \
                and self._space_of(v(1)) != "shared":
            # A shared-window offset made generic (inline PTX's `cvta.shared` of a reserved offset,
            # cg::block_tile_memory): marked so that accesses through it stay on the SM.
            return v(1) + sym(f"&{SHARED_WINDOW}")
        if o in ("mov", "cvta") and len(ops) == 2:
            return v(1)
        if o == "setp" and len(ops) == 3:
            kind = _COMPARE.get(ins.modifiers[0]) if ins.modifiers else None
            if kind is None:
                return unknown(f"L{ins.line}", v(1).varying() or v(2).varying())
            return op(kind, _signed_view(v(1), typ), _signed_view(v(2), typ))
        if o == "selp" and len(ops) == 4:
            return op("select", v(3), v(1), v(2))
        if typ == "pred":
            logical = {"and": "land", "or": "lor", "xor": "lxor", "not": "not"}.get(o)
            if logical is None:
                return None
            return op(logical, *(v(k) for k in range(1, len(ops))))
        if o in ("add", "sub") and len(ops) == 3:
            return v(1) + v(2) if o == "add" else v(1) - v(2)
        if o in ("mul", "mad") and typ in _UNSIGNED_BITS:
            # an unsigned constant written as a negative number: nvcc's division by a
            # constant multiplies by a "magic" 0xF0F0F0F1-style factor
            bits = _UNSIGNED_BITS[typ]
            v = lambda k: _as_unsigned(self.value(ops[k], env), bits)  # noqa: E731
        if o == "mul" and len(ops) == 3:
            if "hi" in ins.modifiers:
                bits = _UNSIGNED_BITS.get(typ) or _SIGNED_BITS.get(typ)
                return op("floordiv", v(1) * v(2), const(1 << bits)) if bits == 32 else None
            return v(1) * v(2)
        if o == "mad" and len(ops) == 4 and "hi" not in ins.modifiers:
            return v(1) * v(2) + v(3)
        if o == "neg" and len(ops) == 2:
            return -v(1)
        if o == "not" and len(ops) == 2:
            return -v(1) - 1
        if o in ("bfi", "bfe"):
            return self._bit_field(ins, [v(k) for k in range(1, len(ops))], typ)
        if o in BIT_SCANS and len(ops) == 2:
            # __ffs(x) = bfind.shiftamt(brev(x)) + 1 (SobolQRNG's `__ffs(stride) - 1` loop bound), __popc, __clz
            bits = _UNSIGNED_BITS.get(typ) or _SIGNED_BITS.get(typ) or (64 if typ and typ.endswith("64") else 32)
            return op("bitscan", v(1), data=(o, bits, "shiftamt" in ins.modifiers, typ in _SIGNED_BITS))
        binary = {"shl": "shl", "shr": "shr", "and": "and", "or": "or", "xor": "xor",
                  "min": "min", "max": "max", "div": "floordiv", "rem": "mod"}.get(o)
        if binary and len(ops) == 3:
            return op(binary, v(1), v(2))
        return None

    @staticmethod
    def _bit_field(ins: Instruction, values: list[Expr], typ: str | None) -> Expr | None:
        """``bfi`` (insert ``a``'s low ``len`` bits into ``b`` at ``pos``: nvcc packs indices with
        it, `(v & 63) * 32 + lane`) and unsigned ``bfe`` (extract), both at constant positions,
        as shifts and masks."""
        bits = 64 if typ and typ.endswith("64") else 32
        if ins.opcode == "bfi" and len(values) == 4 and values[2].is_const and values[3].is_const:
            a, b, pos, length = values[0], values[1], values[2].const, values[3].const
            if not (0 <= pos < bits and 0 < length <= bits - pos):
                return None
            mask = ((1 << length) - 1) << pos
            keep = ((1 << bits) - 1) ^ mask
            inserted = op("and", op("shl", a, const(pos)), const(mask))
            return inserted if keep == 0 else op("or", op("and", b, const(keep)), inserted)
        if ins.opcode == "bfe" and len(values) == 3 and typ in _UNSIGNED_BITS and values[1].is_const \
                and values[2].is_const:
            a, pos, length = values[0], values[1].const, values[2].const
            if not (0 <= pos < bits and 0 < length <= bits - pos):
                return None
            return op("and", op("shr", a, const(pos)), const((1 << length) - 1))
        return None

    @staticmethod
    def _convert(ins: Instruction, value: Expr) -> Expr | None:
        """``cvt.<dest>.<source>``: integers pass through; int → float and float → int (with its
        rounding: `int bin = (v - lo) * n / (hi - lo)`, HeCBench bincount's bins) are followed."""
        types = [m for m in ins.modifiers if m in TYPE_BYTES]  # destination, then source
        if not types:
            return None if is_float_valued(value) else value
        to_float, from_float = types[0] in FLOAT_TYPE_CLASS, types[-1] in FLOAT_TYPE_CLASS
        if to_float and from_float:
            return value if is_float_valued(value) else None
        if to_float:
            return None if value.has_unknown() or is_float_valued(value) else op("i2f", value)
        if from_float:
            rounding = next((m for m in ins.modifiers if m in ("rzi", "rni", "rmi", "rpi")), "rzi")
            return op("f2i", value, data=(rounding,)) if is_float_valued(value) else None
        return None if is_float_valued(value) else value

    def _float_semantics(self, ins: Instruction, env: dict[str, Expr]) -> Expr | None:
        """Floating-point values of loaded data, parameters and constants are followed through
        moves, abs, neg, add/sub/mul/div/fma/min/max and int → float conversions, to a comparison
        (`if (fabsf(x[i]) > 105615.0f)`: sinf's slow path) or a float → int conversion (a bin
        index). Anything else (rcp, sqrt, ex2, a float's bits) is unknown."""
        o, ops = ins.opcode, ins.operands
        values = [self.value(x, env) for x in ops[1:]]
        if o == "abs" and len(values) == 1 and not is_float_valued(values[0]):
            # The magnitude of a value not followed: kept as such, for divergence.magnitude_prior
            # (libdevice's `|x| < 105615` range-reduction test on an argument computed in the kernel).
            return op("fabs", unknown(f"L{ins.line}", values[0].varying()))
        if not values or not all(is_float_valued(x) for x in values):
            return None
        if o == "mov" and len(values) == 1:
            return values[0]
        if o == "abs" and len(values) == 1:
            return op("fabs", values[0])
        if o == "neg" and len(values) == 1:
            return -values[0]
        arithmetic = {"add": "fadd", "sub": "fsub", "mul": "fmul", "div": "fdiv", "min": "fmin", "max": "fmax"}.get(o)
        if arithmetic and len(values) == 2:
            return op(arithmetic, *values)
        if o in ("fma", "mad") and len(values) == 3:
            return op("ffma", *values)
        kind = _COMPARE.get(ins.modifiers[0]) if ins.modifiers else None
        if o == "setp" and len(values) == 2 and kind is not None:
            return op(kind, *values)
        return None

    def _param_vector_fields(self, ins: Instruction, env: dict[str, Expr]) -> dict[str, Expr] | None:
        """The registers of a vector load of a struct argument's integer fields (`ld.param.v4.u32`:
        TensorRT-LLM's parameter structs read their four ints at once), each its field's symbol."""
        addrs = [x for x in ins.operands if x.kind == "addr"]
        typ = operand_type(ins)
        if (ins.opcode != "ld" or state_space(ins) != "param" or not addrs or ins.operands[0].kind != "vector"
                or typ not in TYPE_BYTES or typ in FLOAT_TYPE_CLASS):
            return None
        param, offset = self._param_at(addrs[0], env)
        if param is None or param.array_len is None:
            return None
        return {item.text: self._struct_field(param.name, offset + k * TYPE_BYTES[typ], typ)
                for k, item in enumerate(ins.operands[0].items) if item.kind == "reg"}

    def _param_at(self, operand: Operand, env: dict[str, Expr]) -> tuple[Param | None, int]:
        """The kernel parameter an `ld.param` address reads and the byte offset into it. The base is the
        parameter's name, or a register holding its address plus a constant: nvcc takes the address of a
        by-value struct argument and reads fields through it (`mov.b64 %rd1, k_param_0; add.s64 %rd2, %rd1, 4;
        ld.param.u64 %rd3, [%rd2+60]`, HeCBench ssm's selective-scan parameter struct)."""
        offset = int(operand.offset or 0)
        param = self.params.get(operand.base or "")
        if param is not None or not (operand.base or "").startswith("%"):
            return param, offset
        address = env.get(operand.base)
        if address is None or len(address.terms) != 1:
            return None, offset
        (mono, coef), = address.terms
        atom = mono[0] if len(mono) == 1 else None
        if coef != 1 or not isinstance(atom, Unknown) or not atom.tag.startswith("&"):
            return None, offset
        return self.params.get(atom.tag[1:]), offset + address.const

    def _struct_field(self, param: str, offset: int, typ: str) -> Expr:
        """The symbol of a by-value struct argument's integer field, recorded as read."""
        self.param_fields.add((param, offset, typ))
        return sym(param_field_symbol(param, offset, typ))

    def _load(self, ins: Instruction, env: dict[str, Expr]) -> Expr | None:
        addrs = [x for x in ins.operands if x.kind == "addr"]
        if not addrs or ins.operands[0].kind == "vector":
            return None
        space = state_space(ins)
        if space == "param":
            param, offset = self._param_at(addrs[0], env)
            typ = operand_type(ins)
            if param is not None and offset == 0 and param.array_len is None:
                return sym(param.name + FLOAT_SUFFIX if typ in ("f32", "f64") else param.name)
            if param is not None and param.array_len is not None and typ in TYPE_BYTES and typ not in FLOAT_TYPE_CLASS:
                return self._struct_field(param.name, offset, typ)
            # not a kernel parameter: a call's returned value (`ld.param [retval0]`), which differs
            # between threads as the arguments it was computed from do
            return unknown(f"L{ins.line}", True)
        address = self.address(addrs[0], env)
        typ = operand_type(ins)
        if (space in (None, "global") and typ in TYPE_BYTES and (typ not in FLOAT_TYPE_CLASS or typ in ("f32", "f64"))
                and self._space_of(address) == "global"):
            return op("load", address, data=(typ,))
        return unknown(f"L{ins.line}", address.varying())

    def _space_of(self, address: Expr) -> str:
        """The state space of a generic access's address. A generic pointer that is either a
        shared slot or a local stand-in (`tid < warps ? shared[lane] : identity` in a block
        reduction) counts as shared: both stay on the SM, and the choice no longer depends on
        the order of a set of names (it changed with Python's string hashing)."""
        spaces = {self.spaces.get(name[1:]) for name in address.symbols() if name.startswith("&")}
        return next((space for space in ("shared", "local") if space in spaces), "global")

    # ----- driver -------------------------------------------------------------------
    def run(self) -> Dataflow:
        for b in self.cfg.order:
            self.run_block(b)
        for loop in self.cfg.loops:
            self.finalize(loop)
        accesses = []
        pointers: set[str] = set()
        for ins, b, space, kind, nbytes, raw, tile, stored in self.raw_accesses:
            address = self.resolve(raw)
            space = space or self._space_of(address)
            base = _base_param(address, self.params, self.global_bytes) if space == "global" else None
            if base:
                pointers.add(base)
            accesses.append(MemoryAccess(ins, b, space, kind, nbytes, address, base,
                                         "nc" in ins.modifiers or ins.opcode == "ldu",
                                         tile[:2] if tile else None,
                                         self.resolve(tile[2]) if tile else None, stored))
        branches = {b: BranchCondition(b, t, f, self.resolve(c))
                    for b, (t, f, c) in self.raw_branches.items()}
        predicates = {line: self.resolve(c) for line, c in self.raw_predicates.items()}
        spaces = {f"&{name}": space for name, space in self.spaces.items()}
        # An inner loop is summarised before the loop around it is solved: its trip count may
        # still name the outer loop's header values (bitonic sort's `stride = size / 2`), which
        # resolve to the outer counter now (a triangular loop).
        loops = tuple(self._resolved_summary(self.summaries[lp.index]) for lp in self.cfg.loops)
        return Dataflow(tuple(accesses), branches, loops, frozenset(pointers), spaces, predicates,
                        frozenset(self.param_fields), dict(self.global_bytes))


def _destinations(ins: Instruction) -> list[str]:
    """Registers an instruction writes (none for stores, branches, barriers)."""
    if ins.opcode in ("st", "bra", "bar", "barrier", "ret", "exit", "red", "membar", "fence",
                      "prefetch", "cp", "stmatrix") or not ins.operands:
        return []
    if ins.opcode == "wmma" and "store" in ins.modifiers:
        return []
    first = ins.operands[0]
    if first.kind == "reg":
        return [first.text]
    if first.kind == "vector":
        return [i.text for i in first.items if i.kind == "reg"]
    return []


def _signed_view(value: Expr, typ: str | None) -> Expr:
    """A loaded integer compared as signed: nvcc loads an `int` with ``ld.global.u32`` and
    compares it with ``setp.lt.s32``, so the load is read as the comparison's signed type
    (else -1 read as 4294967295 would make `if (x[i] > 0)` always true)."""
    bits = _SIGNED_BITS.get(typ or "")
    atom = single_op(value)
    if bits is None or atom is None or atom.kind != "load" or atom.data != (f"u{bits}",):
        return value
    return op("load", *atom.args, data=(f"s{bits}",))


def _as_unsigned(value: Expr, bits: int) -> Expr:
    return const(value.const + (1 << bits)) if value.is_const and value.const < 0 else value


def _access_bytes(ins: Instruction) -> int:
    typ = operand_type(ins) or "b32"
    width = next((int(m[1:]) for m in ins.modifiers if m in ("v2", "v4", "v8")), 1)
    return width * TYPE_BYTES.get(typ, 4)


def _select_ways(exprs: Sequence[Expr], conditions: Sequence[Expr],
                 decide: Callable[[Expr, Expr, bool], Expr] = choose) -> Iterator[list[Expr]]:
    """Each way through the selects on ``conditions`` (every truth assignment): ``exprs`` with
    each of those selects decided (by ``decide``, ``symbolic.choose`` or a memoised one)."""
    for truths in itertools.product((True, False), repeat=len(conditions)):
        way = []
        for expr in exprs:
            for condition, truth in zip(conditions, truths):
                expr = decide(expr, condition, truth)
            way.append(expr)
        yield way


def _differs_by_thread(a: Expr, b: Expr) -> bool:
    """``(a - b).varying()``, subtracting only where both vary: a thread-varying term cancels only against the
    same term on the other side (an unrolled tensor-core GEMM's ~20,000 accumulators, each a varying result
    over a uniform start, spent 2 s in the subtractions)."""
    if not (a.varying() and b.varying()):
        return a.varying() or b.varying()
    return (a - b).varying()


def _halves_signed(latch: Expr, h: Expr, k: int) -> bool:
    """Whether ``latch`` is a signed division of ``h`` by 2^k: nvcc's `offset /= 2` on an `int`
    is ``shr(h + shr(h, 31), 1)`` (the correction rounds negative values toward zero), the same
    as ``shr(h, k)`` for the non-negative values such a loop walks."""
    atom = single_op(latch)
    if atom is None or not atom.args or latch != op("shr", atom.args[0], const(k)):
        return False
    correction = atom.args[0] - h
    if correction.symbols() != h.symbols():
        return False
    name = next(iter(h.symbols()))
    try:
        return all(correction.evaluate({name: value}) == 0 for value in (0, 1, 2, 7, 1000, (1 << 31) - 1))
    except NotEvaluable:
        return False


def _keeps_or_replaces(latch: Expr, header: str) -> bool:
    """Whether ``latch`` is a select one of whose values is the header's own (`if (c) low = mid;`)."""
    atom = single_op(latch)
    return atom is not None and atom.kind == "select" and sym(header) in atom.args[1:]


def _halves_gap(latches: list[Expr], low: str, high: str) -> bool:
    """Whether, on every way through the selects of the latch values of ``low``, ``high`` and any
    registers holding their gap (``latches``, in that order, in terms of the two header symbols), the
    gap at the latch is the header's halved (within one, either way), the gap registers hold it,
    ``low`` never falls and ``high`` never rises: checked on gaps from 2 to 2^29 at two offsets
    (their sums stay clear of a 32-bit `int`'s sign, which nvcc's signed halving reads)."""
    conditions = list(dict.fromkeys(c for latch in latches for c in select_conditions(latch)))
    if not conditions or len(conditions) > MAX_STEP_CONDITIONS:
        return False
    gaps = np.array([2, 3, 5, 8, 13, 100, 1001, 65536, 1 << 29], dtype=np.int64)
    starts = np.array([0, 7], dtype=np.int64)[:, None]
    env = {low: np.broadcast_to(starts, (2, gaps.size)).ravel(), high: (starts + gaps).ravel()}
    gap = env[high] - env[low]
    for way in _select_ways(latches, conditions):
        values = []
        for latch in way:
            if latch.symbols() - {low, high} or latch.has_unknown() or latch.has_load():
                return False
            try:
                values.append(np.broadcast_to(np.asarray(latch.evaluate(env), dtype=np.int64), gap.shape))
            except (NotEvaluable, OverflowError, ValueError):
                return False
        new_low, new_high, *new_gaps = values
        new_gap = new_high - new_low
        if (new_low < env[low]).any() or (new_high > env[high]).any():
            return False
        if (new_gap > (gap + 1) // 2).any() or (new_gap < gap // 2 - 1).any():
            return False
        if any((g != new_gap).any() for g in new_gaps):
            return False
    return True


def _start_plus_unknown(value: Expr, counters: list[str], tag: str) -> Expr:
    """A value leaving loops whose trip counts are unknown: where it moves linearly with their
    counters, its start plus a shift the analysis does not follow (a pointer bumped until a
    data-dependent test fails keeps its array: HeCBench AQLM's codebook, `while (i >= *size)
    table += 65536`); else wholly unknown."""
    start = value
    for counter in counters:
        parts = start.linear_in(counter)
        if parts is None:
            return unknown(tag, value.varying())
        start = parts[0]
    return start + unknown(tag, value.varying())


def _base_param(address: Expr, params: dict, tables: Mapping[str, int] | None = None) -> str | None:
    """The pointer parameter a global address is based on: a 64-bit parameter added once (an
    integer offset such as `in[i + offset]`'s 32-bit `offset` is no pointer), or the ones the
    sides of a select are based on (HeCBench jenkins-hash's key pointer after its loop:
    `length < 13 ? k : k + 12 * n`; several joined by ``ARRAY_UNION``); else a sized module-scope
    array of ``tables`` ("&name"), such as libdevice's `__cudart_sin_cos_coeffs` that fp64 sin and
    cos index by quadrant."""
    for mono, coef in address.terms:
        param = params.get(getattr(mono[0], "name", None)) if coef == 1 and len(mono) == 1 else None
        if param is not None and param.type in ("u64", "s64", "b64") and param.array_len is None:
            return param.name
    for mono, coef in address.terms:
        # A pointer field of a struct argument (`params.u_ptr[...]`): the array has no size the analysis
        # knows, but its accesses are one array's (unrolled copies share sectors, a later pass re-reads).
        name = getattr(mono[0], "name", "") if coef == 1 and len(mono) == 1 else ""
        field = _STRUCT_POINTER.fullmatch(name)
        if field and field["param"] in params and params[field["param"]].array_len is not None:
            return name
    for mono, coef in address.terms:
        atom = mono[0] if coef == 1 and len(mono) == 1 else None
        if isinstance(atom, Sym) and tables and atom.name in tables:
            return atom.name
    for mono, coef in address.terms:
        atom = mono[0] if coef == 1 and len(mono) == 1 else None
        if isinstance(atom, Op) and atom.kind == "select":
            sides = {_base_param(side, params, tables) for side in atom.args[1:]}
            if None not in sides:
                # One of several arrays (cuda-samples' GEMMs load A's tile in half the warps and
                # B's in the others: `warpId < 4 ? &A[...] : &B[...]`): their union bounds it.
                return ARRAY_UNION.join(sorted({part for side in sides for part in side.split(ARRAY_UNION)}))
    return None


def analyze_dataflow(module: Module, function: Function, cfg: CFG) -> Dataflow:
    """Symbolic register values, memory-access addresses, branch conditions and loop trip
    counts of ``function``."""
    return _Interpreter(module, function, cfg).run()

