"""Immutable symbolic integer expressions over thread indices, parameters and loop counters.

Every value the analyses reason about is an ``Expr``: a polynomial (integer coefficients
over monomials) whose atoms are symbols (``tid.x``, a parameter name, a loop counter
``i3``) or opaque operations (floor division, modulo, min/max, comparisons, selects,
loads from argument arrays, unknowns). The polynomial normal form makes affine facts
direct: the stride of an address in ``tid.x`` is its coefficient, and an expression is
affine in a symbol when the symbol appears only linearly and never inside an operation.

Expressions are evaluated vectorised: symbols map to numpy arrays (one entry per sampled
thread) and the result broadcasts. An ``Unknown`` (a value loaded from shared memory, a
float, a shuffle result) cannot be evaluated; evaluation raises ``NotEvaluable``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping

import numpy as np

THREAD_SYMBOLS: frozenset[str] = frozenset({"tid.x", "tid.y", "tid.z", "laneid", "warpid"})
LAUNCH_SYMBOLS: frozenset[str] = frozenset(
    {"ntid.x", "ntid.y", "ntid.z", "ctaid.x", "ctaid.y", "ctaid.z",
     "nctaid.x", "nctaid.y", "nctaid.z"})
# The halves of a cooperative launch's grid-barrier workspace pointer (`cg::this_grid().sync()` reads
# them to find the word its blocks count on): the same for every thread, never null.
GRID_WORKSPACE_SYMBOLS: frozenset[str] = frozenset({"envreg1", "envreg2"})
# Products that would expand past this many monomials are kept as one opaque atom.
_MAX_TERMS = 64


class NotEvaluable(Exception):
    """The expression holds an unknown, or a symbol the environment lacks."""


class Atom:
    """A non-polynomial factor of a monomial; subclasses are frozen and ordered by ``key``."""

    key: str

    def __lt__(self, other: "Atom") -> bool:
        return self.key < other.key


@dataclass(frozen=True, eq=False)
class Sym(Atom):
    """A named value: ``tid.x``, ``ntid.y``, a kernel parameter, a loop counter. ``varying``: the
    value may differ between threads though its name is no thread index (a loop's value on entry
    to its header, where the loop starts from a thread's own element)."""

    name: str
    varying: bool = False
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Atom) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


@dataclass(frozen=True, eq=False)
class Unknown(Atom):
    """A value the analysis cannot express. ``varying``: may differ between threads of a warp."""

    tag: str
    varying: bool
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"?{self.tag}{'~' if self.varying else ''}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Atom) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


@dataclass(frozen=True, eq=False)
class Op(Atom):
    """An opaque operation on expressions; ``kind`` is a key of ``_EVALUATORS``.

    ``data`` holds non-expression parameters (a load's element type and size).
    """

    kind: str
    args: tuple["Expr", ...]
    data: tuple = ()
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        inner = ", ".join(str(a) for a in self.args)
        extra = "".join(f", {d}" for d in self.data)
        object.__setattr__(self, "key", f"{self.kind}({inner}{extra})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Atom) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)


Monomial = tuple[Atom, ...]  # sorted atoms; repeats are powers


_MONO_STR_LIMIT = 1 << 16
OP_TEXT_LIMIT = 1 << 14  # characters of an operation's arguments, beyond which it is unknown
_mono_strs: dict[Monomial, str] = {}


def _mono_str(mono: Monomial) -> str:
    text = _mono_strs.get(mono)
    if text is None:
        if len(_mono_strs) >= _MONO_STR_LIMIT:
            _mono_strs.clear()
        text = _mono_strs[mono] = "*".join(a.key for a in mono)
    return text


@dataclass(frozen=True, eq=False)
class Expr:
    """A polynomial ``const + Σ coef × monomial`` with integer coefficients."""

    const: int
    terms: tuple[tuple[Monomial, int], ...]  # sorted by monomial key, no zero coefficients

    @property
    def _key(self) -> str:
        """The printed form, which is also the identity; built on first use (most
        intermediate results of arithmetic are never compared or printed)."""
        key = self.__dict__.get("_key_cache")
        if key is None:
            parts = []
            for mono, coef in self.terms:
                text = _mono_str(mono)
                parts.append(text if coef == 1 else f"-{text}" if coef == -1 else f"{coef}*{text}")
            if self.const or not parts:
                parts.append(str(self.const))
            key = " + ".join(parts).replace("+ -", "- ")
            object.__setattr__(self, "_key_cache", key)
        return key

    # ----- construction ---------------------------------------------------------------
    @staticmethod
    def of(atom: Atom) -> "Expr":
        return Expr(0, (((atom,), 1),))

    @staticmethod
    def const_(value: int) -> "Expr":
        return Expr(int(value), ())

    @staticmethod
    def _from(const: int, acc: Mapping[Monomial, int]) -> "Expr":
        terms = tuple(sorted(((m, c) for m, c in acc.items() if c), key=lambda mc: _mono_str(mc[0])))
        return Expr(int(const), terms)

    # ----- comparison and printing ----------------------------------------------------
    def __str__(self) -> str:
        return self._key

    def __repr__(self) -> str:
        return f"Expr({self._key})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and other._key == self._key

    def __hash__(self) -> int:
        return hash(self._key)

    @property
    def is_const(self) -> bool:
        return not self.terms

    # ----- arithmetic -----------------------------------------------------------------
    def __add__(self, other: "Expr | int") -> "Expr":
        other = _lift(other)
        acc = dict(self.terms)
        for mono, coef in other.terms:
            acc[mono] = acc.get(mono, 0) + coef
        return Expr._from(self.const + other.const, acc)

    __radd__ = __add__

    def __neg__(self) -> "Expr":
        return Expr(-self.const, tuple((m, -c) for m, c in self.terms))

    def __sub__(self, other: "Expr | int") -> "Expr":
        return self + (-_lift(other))

    def __rsub__(self, other: "Expr | int") -> "Expr":
        return _lift(other) - self

    def __mul__(self, other: "Expr | int") -> "Expr":
        other = _lift(other)
        if other.is_const:
            k = other.const
            return Expr._from(self.const * k, {m: c * k for m, c in self.terms})
        if self.is_const:
            return other * self
        if (len(self.terms) + 1) * (len(other.terms) + 1) > _MAX_TERMS:
            return Expr.of(Op("mul", (self, other)))
        acc: dict[Monomial, int] = {}
        const = self.const * other.const
        left = list(self.terms) + ([((), self.const)] if self.const else [])
        right = list(other.terms) + ([((), other.const)] if other.const else [])
        for m1, c1 in left:
            for m2, c2 in right:
                mono = tuple(sorted(m1 + m2))
                if not mono:
                    continue
                acc[mono] = acc.get(mono, 0) + c1 * c2
        return Expr._from(const, acc)

    __rmul__ = __mul__

    # ----- structure ------------------------------------------------------------------
    def atoms(self) -> Iterable[Atom]:
        """Every atom, recursively (atoms inside operations included)."""
        for mono, _ in self.terms:
            for atom in mono:
                yield atom
                if isinstance(atom, Op):
                    for arg in atom.args:
                        yield from arg.atoms()

    def _facts(self) -> tuple[frozenset[str], bool, bool, bool]:
        """(symbols, has an unknown, has a load, thread-varying), cached: expressions share
        sub-trees, so a walk over ``atoms`` would revisit them many times."""
        cached = self.__dict__.get("_facts_cache")
        if cached is not None:
            return cached
        names: set[str] = set()
        has_unknown = has_load = varying = False
        for mono, _ in self.terms:
            for atom in mono:
                if isinstance(atom, Sym):
                    names.add(atom.name)
                    varying = varying or atom.varying or atom.name in THREAD_SYMBOLS
                elif isinstance(atom, Unknown):
                    has_unknown = True
                    varying = varying or atom.varying
                else:
                    has_load = has_load or atom.kind == "load"
                    for arg in atom.args:
                        a_names, a_unknown, a_load, a_varying = arg._facts()
                        names |= a_names
                        has_unknown, has_load = has_unknown or a_unknown, has_load or a_load
                        varying = varying or a_varying
        cached = (frozenset(names), has_unknown, has_load, varying)
        object.__setattr__(self, "_facts_cache", cached)
        return cached

    def symbols(self) -> frozenset[str]:
        return self._facts()[0]

    def has_unknown(self) -> bool:
        return self._facts()[1]

    def has_load(self) -> bool:
        return self._facts()[2]

    def varying(self) -> bool:
        """May differ between the threads of one block (depends on the thread index)."""
        return self._facts()[3]

    def linear_in(self, name: str) -> tuple["Expr", "Expr"] | None:
        """``(e0, e1)`` with ``self == e0 + e1 × name`` and neither depending on ``name``;
        None when ``name`` appears non-linearly or inside an operation."""
        target = Sym(name)
        acc0: dict[Monomial, int] = {}
        acc1: dict[Monomial, int] = {}
        c1 = 0
        for mono, coef in self.terms:
            count = sum(1 for a in mono if a == target)
            if any(isinstance(a, Op) and any(name in arg.symbols() for arg in a.args) for a in mono):
                return None
            if count == 0:
                acc0[mono] = coef
            elif count == 1:
                rest = tuple(a for a in mono if a != target)
                if rest:
                    acc1[rest] = acc1.get(rest, 0) + coef
                else:
                    c1 += coef
            else:
                return None
        return Expr._from(self.const, acc0), Expr._from(c1, acc1)

    def subs(self, mapping: Mapping[str, "Expr"], memo: dict | None = None) -> "Expr":
        """Replace symbols by expressions (inside operations too).

        ``memo`` caches results by expression key for repeated calls with the same
        ``mapping`` (expressions share sub-trees); the caller drops it when the mapping changes."""
        if not mapping or not (self.symbols() & mapping.keys()):
            return self
        if memo is None:
            memo = {}
        cached = memo.get(self._key)
        if cached is not None:
            return cached
        const = self.const
        acc: dict[Monomial, int] = {}
        for mono, coef in self.terms:
            term = Expr.const_(coef)
            for atom in mono:
                term = term * _subs_atom(atom, mapping, memo)
            const += term.const
            for m, c in term.terms:
                acc[m] = acc.get(m, 0) + c
        out = Expr._from(const, acc)
        memo[self._key] = out
        return out

    # ----- evaluation -----------------------------------------------------------------
    def evaluate(self, env: Mapping[str, object], memo: dict | None = None):
        """Value for ``env`` (symbol → int or numpy int64 array); raises NotEvaluable."""
        if memo is None:
            memo = {}
        total = self.const
        for mono, coef in self.terms:
            prod = coef
            for atom in mono:
                prod = prod * _eval_atom(atom, env, memo)
            total = total + prod
        return total

    def bounds(self, ranges: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
        """Interval ``(vmin, vmax)`` given symbol ranges (missing symbols are unbounded)."""
        lo = hi = float(self.const)
        for mono, coef in self.terms:
            mlo, mhi = float(coef), float(coef)
            for atom in mono:
                alo, ahi = _atom_bounds(atom, ranges)
                mlo, mhi = _mul_interval((mlo, mhi), (alo, ahi))
            lo, hi = lo + mlo, hi + mhi
        return lo, hi

    def vmin(self, ranges: Mapping[str, tuple[float, float]]) -> float:
        return self.bounds(ranges)[0]

    def vmax(self, ranges: Mapping[str, tuple[float, float]]) -> float:
        return self.bounds(ranges)[1]


def _lift(value: "Expr | int") -> Expr:
    return value if isinstance(value, Expr) else Expr.const_(int(value))


def const(value: int) -> Expr:
    """A constant expression."""
    return Expr.const_(value)


def fconst(value: float) -> Expr:
    """A floating-point constant (a PTX ``0f3F800000`` immediate)."""
    return Expr.of(Op("fconst", (), (float(value),)))


def _is_truth(expr: Expr) -> bool:
    """Whether ``expr`` is a single 0/1 operation (a comparison or a logical one)."""
    if expr.const != 0 or len(expr.terms) != 1:
        return False
    (mono, coef), = expr.terms
    return coef == 1 and len(mono) == 1 and isinstance(mono[0], Op) and mono[0].kind in _TRUTH_KINDS


def choose(expr: Expr, condition: Expr, truth: bool, memo: dict | None = None) -> Expr:
    """``expr`` with every select on ``condition`` (or on its negation) replaced by the value it
    selects when ``condition`` is ``truth``. ``memo`` shares the work over sub-expressions that
    recur (a loop's unrolled copies)."""
    memo = {} if memo is None else memo
    cached = memo.get(expr._key)
    if cached is not None:
        return cached
    negated = op("not", condition)

    def value(atom: Atom) -> Expr:
        if not isinstance(atom, Op):
            return Expr.of(atom)
        args = tuple(choose(a, condition, truth, memo) for a in atom.args)
        if atom.kind == "select" and (atom.args[0] == condition or atom.args[0] == negated):
            return args[1] if (atom.args[0] == condition) == truth else args[2]
        return op(atom.kind, *args, data=atom.data)

    total = Expr.const_(expr.const)
    for mono, coef in expr.terms:
        term = Expr.const_(coef)
        for atom in mono:
            term = term * value(atom)
        total = total + term
    memo[expr._key] = total
    return total


def select_conditions(expr: Expr, seen: set | None = None) -> Iterator[Expr]:
    """The conditions of the selects inside ``expr``, outermost first, each sub-expression visited
    once."""
    seen = set() if seen is None else seen
    for mono, _ in expr.terms:
        for atom in mono:
            if isinstance(atom, Op) and atom.key not in seen:
                seen.add(atom.key)
                if atom.kind == "select":
                    yield atom.args[0]
                for arg in atom.args:
                    yield from select_conditions(arg, seen)


FLOAT_SUFFIX = ":f"  # symbols of floating-point parameters end in it
# Operations whose value is floating-point (a float load is a "load" of an f32/f64 element)
FLOAT_KINDS = frozenset({"fconst", "fabs", "fadd", "fsub", "fmul", "fdiv", "ffma", "fmin", "fmax", "i2f"})


def is_float_valued(expr: Expr) -> bool:
    """Whether ``expr`` holds a floating-point value (a float load, constant or parameter, or
    float arithmetic on them): such values enter integer arithmetic only through a conversion."""
    for mono, _ in expr.terms:
        for atom in mono:
            if isinstance(atom, Sym) and atom.name.endswith(FLOAT_SUFFIX):
                return True
            if isinstance(atom, Op) and (atom.kind in FLOAT_KINDS or
                                         (atom.kind == "load" and atom.data[:1] in (("f32",), ("f64",)))):
                return True
    return False


def sym(name: str, varying: bool = False) -> Expr:
    """A symbol as an expression (``varying``: see ``Sym``)."""
    return Expr.of(Sym(name, varying))


def unknown(tag: str, varying: bool) -> Expr:
    """An unknown value; ``varying`` when it may differ between threads."""
    return Expr.of(Unknown(tag, varying))


def _subs_atom(atom: Atom, mapping: Mapping[str, Expr], memo: dict) -> Expr:
    if isinstance(atom, Sym):
        return mapping.get(atom.name) or Expr.of(atom)
    if isinstance(atom, Op):
        return op(atom.kind, *(a.subs(mapping, memo) for a in atom.args), data=atom.data)
    return Expr.of(atom)


# ----- operations ----------------------------------------------------------------------

def _floordiv(a, b):
    b = np.where(b == 0, 1, b) if isinstance(b, np.ndarray) else (b or 1)
    return a // b


def _mod(a, b):
    b = np.where(b == 0, 1, b) if isinstance(b, np.ndarray) else (b or 1)
    return a % b


def _shl(a, b):
    return a * (np.int64(1) << np.minimum(np.asarray(b, dtype=np.int64), 62))


def _shr(a, b):
    return a >> np.minimum(np.asarray(b, dtype=np.int64), 62)


def _bits64(value) -> np.ndarray:
    """An integer as int64 bits: a 64-bit mask past 2**63 (bfi's `0xFFFFFFFF00000000`) wraps to
    its two's-complement value, as the GPU's registers hold it."""
    if isinstance(value, int) and value >= 1 << 63:
        value -= 1 << 64
    return np.asarray(value, np.int64)


_EVALUATORS: dict[str, Callable] = {
    "floordiv": _floordiv,
    "mod": _mod,
    "min": np.minimum,
    "max": np.maximum,
    "shl": _shl,
    "shr": _shr,
    "and": lambda a, b: np.bitwise_and(_bits64(a), _bits64(b)),
    "or": lambda a, b: np.bitwise_or(_bits64(a), _bits64(b)),
    "xor": lambda a, b: np.bitwise_xor(_bits64(a), _bits64(b)),
    "mul": lambda a, b: a * b,
    "lt": lambda a, b: (np.asarray(a) < b).astype(np.int64),
    "le": lambda a, b: (np.asarray(a) <= b).astype(np.int64),
    "gt": lambda a, b: (np.asarray(a) > b).astype(np.int64),
    "ge": lambda a, b: (np.asarray(a) >= b).astype(np.int64),
    "eq": lambda a, b: (np.asarray(a) == b).astype(np.int64),
    "ne": lambda a, b: (np.asarray(a) != b).astype(np.int64),
    "land": lambda a, b: ((np.asarray(a) != 0) & (np.asarray(b) != 0)).astype(np.int64),
    "lor": lambda a, b: ((np.asarray(a) != 0) | (np.asarray(b) != 0)).astype(np.int64),
    "lxor": lambda a, b: ((np.asarray(a) != 0) ^ (np.asarray(b) != 0)).astype(np.int64),
    "not": lambda a: (np.asarray(a) == 0).astype(np.int64),
    "fabs": np.abs,
    "fadd": lambda a, b: np.add(a, b, dtype=np.float64),
    "fsub": lambda a, b: np.subtract(a, b, dtype=np.float64),
    "fmul": lambda a, b: np.multiply(a, b, dtype=np.float64),
    "fdiv": lambda a, b: np.divide(a, b, dtype=np.float64),
    "ffma": lambda a, b, c: np.add(np.multiply(a, b, dtype=np.float64), c),
    "fmin": lambda a, b: np.fmin(np.asarray(a, np.float64), b),
    "fmax": lambda a, b: np.fmax(np.asarray(a, np.float64), b),
    "i2f": lambda a: np.asarray(a, dtype=np.float64),
    "select": lambda c, a, b: np.where(np.asarray(c) != 0, a, b),
}
COMPARISONS: dict[str, str] = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}
_TRUTH_KINDS = frozenset(COMPARISONS) | {"land", "lor", "lxor", "not"}
# The evaluator of a load reads argument arrays; it is installed in the environment.
LOAD_ENV_KEY = "__load__"
# With this key, unknown values evaluate to what env[UNKNOWN_ENV_KEY](tag, varying) draws (a
# stand-in for data the analysis cannot follow); without it they raise NotEvaluable.
UNKNOWN_ENV_KEY = "__unknown__"
SCAN_LIMIT = 64  # iterations a numeric trip-count scan tries before giving up


def op(kind: str, *args: Expr, data: tuple = ()) -> Expr:
    """Build an operation, folding constants and the simple identities."""
    if kind in _EVALUATORS and kind != "select" and all(a.is_const for a in args):
        value = _EVALUATORS[kind](*(a.const for a in args))
        return Expr.const_(int(value))
    if kind == "select":
        cond, a, b = args
        if cond.is_const:
            return a if cond.const else b
        if a == b:
            return a
    if kind in ("floordiv", "shr") and args[1].is_const:
        divisor = args[1].const if kind == "floordiv" else 1 << args[1].const
        if divisor == 1:
            return args[0]
        # (k·d·x + r) // d == k·x + r // d keeps affine parts affine.
        whole = {m: c // divisor for m, c in args[0].terms if c % divisor == 0}
        if whole and args[0].const % divisor == 0:
            rest = Expr._from(0, {m: c for m, c in args[0].terms if c % divisor})
            quotient = Expr._from(args[0].const // divisor, whole)
            if rest.is_const:
                return quotient
            return quotient + op("floordiv", rest, Expr.const_(divisor))
        args = (args[0], Expr.const_(divisor))
        kind = "floordiv"
    if kind == "shl" and args[1].is_const:
        return args[0] * (1 << min(args[1].const, 62))
    if kind == "mod" and args[1].is_const and args[1].const > 0:
        m = args[1].const
        reduced = Expr._from(args[0].const % m, {mo: c % m for mo, c in args[0].terms})
        if reduced.is_const:
            return reduced
        args = (reduced, args[1])
    # (A mask of the low 63 bits stays an `and`: its modulus, 2^63, is past int64, and evaluating it failed:
    # `k &= 0x7fffffffffffffff; while (k > 0) k >>= 1`, HeCBench complex's LCG skip-ahead, counted once.)
    if (kind == "and" and args[1].is_const and 0 < args[1].const < (1 << 62)
            and (args[1].const + 1) & args[1].const == 0):
        return op("mod", args[0], Expr.const_(args[1].const + 1))
    if kind in ("land", "lor") and len(args) == 2:
        # `and.pred %p, 1, %q` (nvcc's guards): land(1, c) is c where c is already 0/1
        for known, other in ((args[0], args[1]), (args[1], args[0])):
            if known.is_const and known.const == (1 if kind == "land" else 0) and _is_truth(other):
                return other
    if kind == "not" and args[0].terms and len(args[0].terms) == 1 and args[0].const == 0:
        (mono, coef), = args[0].terms
        if coef == 1 and len(mono) == 1 and isinstance(mono[0], Op) and mono[0].kind in COMPARISONS:
            inner = mono[0]
            return op(COMPARISONS[inner.kind], *inner.args)
    if sum(len(str(a)) for a in args) > OP_TEXT_LIMIT:
        # Conditional updates chained through a loop (a running argmax's `if (v > best)`)
        # nest selects whose text doubles with every step; past this size the value is
        # taken as unknown rather than exhausting memory.
        return unknown(f"large {kind}", any(a.varying() for a in args))
    return Expr.of(Op(kind, tuple(args), data))


def _eval_atom(atom: Atom, env: Mapping[str, object], memo: dict):
    cached = memo.get(atom.key)
    if cached is not None:
        return cached
    if isinstance(atom, Sym):
        if atom.name not in env:
            raise NotEvaluable(atom.name)
        value = env[atom.name]
    elif isinstance(atom, Unknown):
        draw = env.get(UNKNOWN_ENV_KEY)
        if draw is None:
            raise NotEvaluable(atom.key)
        value = draw(atom.tag, atom.varying)
    elif atom.kind == "load":
        value = env[LOAD_ENV_KEY](atom.args[0].evaluate(env, memo), *atom.data)
    elif atom.kind == "scan":
        value = _scan(atom, env)
    elif atom.kind == "fconst":
        value = atom.data[0]
    elif atom.kind == "f2i":
        value = _float_to_int(atom.args[0].evaluate(env, memo), atom.data[0])
    elif atom.kind == "bitscan":
        value = bit_scan(atom.args[0].evaluate(env, memo), *atom.data)
    else:
        value = _EVALUATORS[atom.kind](*(a.evaluate(env, memo) for a in atom.args))
    memo[atom.key] = value
    return value


_ROUNDING = {"rzi": np.trunc, "rni": np.rint, "rmi": np.floor, "rpi": np.ceil}


def bit_scan(value, name: str, bits: int, shiftamt: bool = False, signed: bool = False):
    """PTX popc, clz, brev and bfind (``shiftamt``: the shift that brings the bit found to the top;
    none found: 0xFFFFFFFF) of ``bits``-wide integers, elementwise."""
    a = np.asarray(value, dtype=np.int64).astype(np.uint64) & np.uint64((1 << bits) - 1)
    if name == "bfind" and signed:
        # a negative value's most significant 0 bit: the top bit that differs from the sign
        negative = (a >> np.uint64(bits - 1)) & np.uint64(1)
        a = np.where(negative == 1, ~a & np.uint64((1 << bits) - 1), a)
    set_bits = [((a >> np.uint64(k)) & np.uint64(1)).astype(np.int64) for k in range(bits)]
    if name == "popc":
        return sum(set_bits)
    if name == "brev":
        out = sum(b << (bits - 1 - k) for k, b in enumerate(set_bits))
        return out - (1 << bits) * (out >= (1 << 63)) if bits == 64 else out
    highest = np.full(a.shape, -1, dtype=np.int64)
    for k, b in enumerate(set_bits):
        highest = np.where(b == 1, k, highest)
    if name == "clz":
        return bits - 1 - highest
    return np.where(highest >= 0, (bits - 1 - highest) if shiftamt else highest, 0xFFFFFFFF)


def _float_to_int(value, rounding: str):
    """PTX cvt.<rounding>.s32.f32: NaN gives 0, out-of-range values saturate (as the GPU does)."""
    value = _ROUNDING.get(rounding, np.trunc)(np.asarray(value, dtype=np.float64))
    return np.clip(np.nan_to_num(value, nan=0.0), -2.0 ** 31, 2.0 ** 31 - 1).astype(np.int64)


def _scan(atom: Op, env: Mapping[str, object]):
    """First i in [0, SCAN_LIMIT) where the condition is false, + 1 (a loop's trip count)."""
    cond, counter = atom.args
    name = next(iter(counter.symbols()))
    steps = np.arange(SCAN_LIMIT, dtype=np.int64)
    sub_env = dict(env)
    sample = next((v for v in env.values() if isinstance(v, np.ndarray)), None)
    shape = (SCAN_LIMIT,) + ((1,) if sample is not None else ())
    sub_env[name] = steps.reshape(shape)
    holds = np.asarray(cond.evaluate(sub_env, {})) != 0
    holds = np.broadcast_to(holds, shape if sample is None else (SCAN_LIMIT, sample.shape[0]))
    failed = ~holds
    first = np.where(failed.any(axis=0), failed.argmax(axis=0), SCAN_LIMIT - 1)
    return first.astype(np.int64) + 1


_INF = float("inf")


def _mul_interval(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    products = [x * y for x in a for y in b if not (x == 0 or y == 0)] or [0.0]
    if 0.0 in (a[0], a[1], b[0], b[1]):
        products.append(0.0)
    return min(products), max(products)


def _atom_bounds(atom: Atom, ranges: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    if isinstance(atom, Sym):
        return ranges.get(atom.name, (-_INF, _INF))
    if isinstance(atom, Unknown):
        return -_INF, _INF
    if atom.kind in ("lt", "le", "gt", "ge", "eq", "ne", "land", "lor", "lxor", "not"):
        return 0.0, 1.0
    bounds = [a.bounds(ranges) for a in atom.args]
    if atom.kind == "min":
        return min(bounds[0][0], bounds[1][0]), min(bounds[0][1], bounds[1][1])
    if atom.kind == "max":
        return max(bounds[0][0], bounds[1][0]), max(bounds[0][1], bounds[1][1])
    if atom.kind == "select":
        return min(bounds[1][0], bounds[2][0]), max(bounds[1][1], bounds[2][1])
    if atom.kind == "mod" and bounds[1][0] > 0:  # floor modulo: never negative
        if bounds[0][0] >= 0:
            return 0.0, min(bounds[0][1], bounds[1][1] - 1)
        return 0.0, bounds[1][1] - 1
    if atom.kind == "floordiv" and bounds[1][0] > 0:
        (alo, ahi), (blo, bhi) = bounds
        candidates = [alo / blo, alo / bhi, ahi / blo, ahi / bhi]
        candidates = [c for c in candidates if c == c]
        return float(np.floor(min(candidates))), float(np.floor(max(candidates)))
    return -_INF, _INF


def cmp(kind: str, a: Expr, b: Expr) -> Expr:
    """A comparison ``a <kind> b`` as a 0/1 expression."""
    return op(kind, a, b)


def single_op(expr: Expr) -> Op | None:
    """The operation ``expr`` is exactly (no constant, coefficient or other factor), else None."""
    if expr.const != 0 or len(expr.terms) != 1 or expr.terms[0][1] != 1 or len(expr.terms[0][0]) != 1:
        return None
    atom = expr.terms[0][0][0]
    return atom if isinstance(atom, Op) else None


def comparison_parts(expr: Expr) -> tuple[str, Expr, Expr] | None:
    """``(kind, a, b)`` when ``expr`` is exactly one comparison, else None."""
    atom = single_op(expr)
    if atom is None or atom.kind not in COMPARISONS:
        return None
    return atom.kind, atom.args[0], atom.args[1]
