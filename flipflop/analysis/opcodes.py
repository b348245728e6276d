"""PTX opcode → functional-unit class (the classes of ``features.INSTRUCTION_CLASSES``).

Choices where PTX leaves room (documented here, used everywhere):
- ``mov`` → ``other``: register moves are mostly removed by ptxas.
- ``ld.param`` → ``other``: kernel parameters become constant-bank operands, no load.
- ``ld.const`` / ``ldu`` of constants → ``const_load``; ``ldu.global`` → ``global_load``.
- ``cvta`` → ``int`` (an address add); every ``cvt`` → ``convert``.
- ``shfl``, ``vote``, ``match``, ``redux``, ``activemask`` → ``int`` (warp-level integer
  crossbar ops, issued like integer instructions).
- ``bar``/``barrier`` (block barriers) → ``barrier``; ``bar.warp.sync``, ``membar``,
  ``fence`` → ``other`` (no block-wide wait).
- Generic-space ``ld``/``st`` (no state space) → the space the address provably points
  into (shared variable, local depot), else ``global``.
- Instructions that ptxas expands into sequences (IEEE ``div.rn.f32``, ``sqrt.rn.f32``,
  ``rcp.rn.f32``, f64 division) count with an expansion weight per unit from ``EXPANSIONS``.
"""
from __future__ import annotations

import re

from flipflop.frontend.ir import Instruction

FLOAT_TYPE_CLASS: dict[str, str] = {
    "f32": "fp32", "f64": "fp64",
    "f16": "fp16", "f16x2": "fp16", "bf16": "fp16", "bf16x2": "fp16",
    "tf32": "fp32", "e4m3x2": "fp16", "e5m2x2": "fp16",
}
INT_TYPES: frozenset[str] = frozenset(
    {"s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64", "b8", "b16", "b32", "b64", "b128", "pred"})
STATE_SPACES: tuple[str, ...] = ("global", "shared", "local", "const", "param")

# Opcodes whose class follows their operand type (float type → fp unit, else int).
TYPED_ARITHMETIC: frozenset[str] = frozenset({
    "add", "sub", "mul", "mad", "fma", "min", "max", "abs", "neg", "setp", "selp", "set",
    "slct", "testp", "copysign", "div", "rem", "sad", "mul24", "mad24", "cnot", "addc",
    "subc", "madc",
})
# Always on the SFU (with .approx or inherently approximate).
SFU_OPCODES: frozenset[str] = frozenset({"ex2", "lg2", "sin", "cos", "rsqrt", "tanh"})
# Opcodes that are SFU only in their .approx form (IEEE forms are in EXPANSIONS).
SFU_WHEN_APPROX: frozenset[str] = frozenset({"sqrt", "rcp", "div"})
FIXED_CLASS: dict[str, str] = {
    "mov": "other", "cvt": "convert", "cvta": "int",
    "and": "int", "or": "int", "xor": "int", "not": "int", "shl": "int", "shr": "int",
    "shf": "int", "bfe": "int", "bfi": "int", "popc": "int", "clz": "int", "brev": "int",
    "prmt": "int", "lop3": "int", "bfind": "int", "fns": "int", "dp4a": "int", "dp2a": "int",
    "shfl": "int", "vote": "int", "match": "int", "redux": "int", "activemask": "int",
    "mma": "tensor", "wgmma": "tensor",
    "bra": "branch", "brx": "branch", "ret": "branch", "exit": "branch", "call": "branch",
    "bar": "barrier", "barrier": "barrier",
    "membar": "other", "fence": "other", "nanosleep": "other", "prefetch": "other",
    "atom": "atomic", "red": "atomic",
    "ldmatrix": "shared_load", "stmatrix": "shared_store",
}
# (opcode, type) → ((class, weight), ...): instructions ptxas expands into a sequence.
EXPANSIONS: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {
    ("div", "f32"): (("fp32", 8.0), ("sfu", 1.0)),      # div.rn.f32: Newton refinement
    ("sqrt", "f32"): (("fp32", 6.0), ("sfu", 1.0)),     # sqrt.rn.f32
    ("rcp", "f32"): (("fp32", 4.0), ("sfu", 1.0)),      # rcp.rn.f32
    ("div", "f64"): (("fp64", 10.0), ("sfu", 1.0)),
    ("sqrt", "f64"): (("fp64", 8.0), ("sfu", 1.0)),
    ("rcp", "f64"): (("fp64", 6.0), ("sfu", 1.0)),
    ("div", "full"): (("sfu", 1.0), ("fp32", 1.0)),     # div.full.f32: rcp.approx + mul
    ("div", "approx"): (("sfu", 1.0), ("fp32", 1.0)),
    ("div", "s32"): (("int", 20.0),), ("div", "u32"): (("int", 18.0),),
    ("rem", "s32"): (("int", 20.0),), ("rem", "u32"): (("int", 18.0),),
    ("div", "s64"): (("int", 60.0),), ("div", "u64"): (("int", 55.0),),
    ("rem", "s64"): (("int", 60.0),), ("rem", "u64"): (("int", 55.0),),
}
MEMORY_OPCODES: frozenset[str] = frozenset({"ld", "ldu", "st", "atom", "red", "cp", "wmma"})


def operand_type(instr: Instruction) -> str | None:
    """The last type modifier (``setp.lt.f32`` → ``f32``), or None."""
    for mod in reversed(instr.modifiers):
        if mod in FLOAT_TYPE_CLASS or mod in INT_TYPES:
            return mod
    return None


def state_space(instr: Instruction) -> str | None:
    """The explicit state space of a memory instruction (None for generic addressing)."""
    for mod in instr.modifiers:
        if mod in STATE_SPACES:
            return mod
    return None


# Atomic operations ptxas folds, for the lanes of a warp naming one address it can prove
# uniform, into one operation per warp (VOTEU + REDUX/POPC; ptxas 13.0, sm_90, checked with
# nvdisasm): 32-bit integer add/min/max/and/or/xor, and a 64-bit add of a constant. Never float
# adds, exch, cas, inc/dec or 64-bit min/max: those reach L2 one per lane.
_WARP_COMBINED_OPS = frozenset({"add", "min", "max", "and", "or", "xor"})


def atomic_kind(instr: Instruction) -> tuple[bool, bool]:
    """(floating-point, warp-combinable) for an ``atom``/``red`` instruction.

    Floating-point atomics take the L2's slower float path (1.78 ns per operation on one
    address against 0.75 for integers, H100 run 30)."""
    mods = instr.modifiers
    floating = any(m in FLOAT_TYPE_CLASS for m in mods)
    op = next((m for m in mods if m in _WARP_COMBINED_OPS), None)
    wide = any(m in ("u64", "s64", "b64") for m in mods)
    constant = bool(instr.operands) and instr.operands[-1].kind == "imm"
    combinable = not floating and op is not None and (not wide or (op == "add" and constant))
    return floating, combinable


def _memory_class(instr: Instruction, space: str) -> tuple[tuple[str, float], ...]:
    op = instr.opcode
    mods = instr.modifiers
    if op in ("atom", "red"):
        return (("atomic", 1.0),)
    if op == "cp":  # cp.async.*: a global read written into shared memory
        return (("global_load", 1.0), ("shared_store", 1.0)) if "async" in mods else (("other", 1.0),)
    if op == "wmma":
        if "mma" in mods:
            return (("tensor", tensor_weight(instr, threads=32)),)
        kind = "load" if "load" in mods else "store"
        return ((f"{space}_{kind}", 1.0),)
    if space == "param":
        return (("other", 1.0),)
    if space == "const":
        return (("const_load", 1.0),)
    kind = "store" if op == "st" else "load"
    return ((f"{space}_{kind}", 1.0),)


# The tensor rate is calibrated on mma.sync.m16n8k16: 16·8·16 multiply-adds per warp, 64 per thread.
TENSOR_MACS_PER_THREAD = 64
_MMA_SHAPE = re.compile(r"^m(\d+)n(\d+)k(\d+)$")


def tensor_weight(instr: Instruction, threads: int) -> float:
    """A matrix instruction's work in units of one thread's share of mma.sync.m16n8k16:
    m·n·k multiply-adds shared by the ``threads`` that issue it together (a warp; for
    wgmma, a warpgroup of 128). 1 when the shape is not spelled out."""
    for mod in instr.modifiers:
        shape = _MMA_SHAPE.match(mod)
        if shape:
            m, n, k = map(int, shape.groups())
            return m * n * k / threads / TENSOR_MACS_PER_THREAD
    return 1.0


def classify(instr: Instruction, space: str | None = None) -> tuple[tuple[str, float], ...]:
    """Classes and weights of one instruction. ``space`` resolves generic-space memory ops."""
    op = instr.opcode
    if op in ("mma", "wgmma"):
        if not any(_MMA_SHAPE.match(mod) for mod in instr.modifiers):
            return (("other", 1.0),)  # wgmma.fence / commit_group / wait_group: bookkeeping
        return (("tensor", tensor_weight(instr, threads=128 if op == "wgmma" else 32)),)
    if op in MEMORY_OPCODES:
        return _memory_class(instr, state_space(instr) or space or "global")
    typ = operand_type(instr)
    if op in SFU_OPCODES:
        return (("sfu", 1.0),)
    if op in SFU_WHEN_APPROX or op in ("div", "rem"):
        if "approx" in instr.modifiers and op != "div":
            return (("sfu", 1.0),)
        for key in ((op, "approx") if "approx" in instr.modifiers else None,
                    (op, "full") if "full" in instr.modifiers else None, (op, typ)):
            if key and key in EXPANSIONS:
                return EXPANSIONS[key]
    if op in FIXED_CLASS:
        return ((FIXED_CLASS[op], 1.0),)
    if op in TYPED_ARITHMETIC or op in SFU_WHEN_APPROX:
        if typ in FLOAT_TYPE_CLASS:
            return ((FLOAT_TYPE_CLASS[typ], 1.0),)
        return (("int", 1.0),)
    return (("other", 1.0),)
