"""PTX intermediate representation: what the parser produces and the analyses read.

The parser only parses; every fact about a kernel is derived from these records by the
analyses. Records are frozen so a parsed module can be cached and shared.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

OperandKind = Literal["reg", "imm", "addr", "vector", "label", "symbol", "special"]


@dataclass(frozen=True)
class Operand:
    """One instruction operand.

    kind:
      reg      a virtual register, ``text`` = "%r12" (also "%p1", "%rd3", "%f2")
      special  a special register, ``text`` = "%tid.x", "%ntid.y", "%ctaid.z", "%laneid", ...
      imm      an immediate; ``value`` is int or float ("0f3F800000" decoded to float)
      addr     a memory address ``[base+offset]``: ``base`` is a register or symbol name
               (or None for an absolute address), ``offset`` a byte offset
      vector   ``{%f1, %f2, ...}``: ``items`` are the element operands
      label    a branch target, ``text`` = "$L__BB0_2"
      symbol   a variable or parameter name used as a value (``mov.u64 %rd1, smem;``)
    ``text`` always holds the operand as written.
    """

    kind: OperandKind
    text: str
    value: int | float | None = None
    base: str | None = None
    offset: int = 0
    items: tuple["Operand", ...] = ()


@dataclass(frozen=True)
class Instruction:
    """One PTX instruction: ``@!%p1 ld.global.nc.v4.f32 {..}, [%rd1+16];``.

    ``opcode`` is the base name ("ld", "mad", "mma", "bra"); ``modifiers`` the dotted
    suffixes in order (("global", "nc", "v4", "f32")); ``predicate`` the guard register
    ("%p1") or None, ``predicate_negated`` True for ``@!``. ``line`` is 1-based in the PTX text.
    """

    opcode: str
    modifiers: tuple[str, ...]
    operands: tuple[Operand, ...]
    line: int
    predicate: str | None = None
    predicate_negated: bool = False

    @property
    def full_opcode(self) -> str:
        return ".".join((self.opcode,) + self.modifiers)


@dataclass(frozen=True)
class Label:
    """A label that starts a basic block: ``$L__BB0_2:``."""

    name: str
    line: int


@dataclass(frozen=True)
class Pragma:
    """``.pragma "nounroll";`` inside a body (attached to the position it appears at)."""

    text: str
    line: int


Statement = Union[Instruction, Label, Pragma]


@dataclass(frozen=True)
class Param:
    """A kernel or function parameter: ``.param .u64 .ptr .global .align 8 k_param_0``."""

    name: str
    type: str  # "u64", "f32", "b8" (for byte arrays), ...
    align: int | None = None
    array_len: int | None = None  # ``.param .align 8 .b8 k_param_1[16]``
    is_pointer_hint: bool = False  # ``.ptr`` attribute present


@dataclass(frozen=True)
class Variable:
    """A state-space variable: ``.shared .align 4 .b8 tile[4096];`` or ``.extern .shared``.

    ``size_bytes`` is element size × array length (0 for an unsized extern array).
    """

    name: str
    space: Literal["global", "shared", "const", "local"]
    type: str
    size_bytes: int
    align: int | None = None
    extern: bool = False
    line: int = 0


@dataclass(frozen=True)
class RegisterDecl:
    """``.reg .f32 %f<30>;`` → prefix "%f", type "f32", count 30."""

    prefix: str
    type: str
    count: int


@dataclass(frozen=True)
class Function:
    """An ``.entry`` (kernel) or ``.func``. ``body`` is the statement list in order."""

    name: str
    is_entry: bool
    params: tuple[Param, ...]
    registers: tuple[RegisterDecl, ...]
    variables: tuple[Variable, ...]  # shared/local declared inside the body
    body: tuple[Statement, ...]
    line: int
    return_params: tuple[Param, ...] = ()
    directives: tuple[str, ...] = ()  # performance directives: ".maxntid 256, 1, 1", ".reqntid ..."

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        return tuple(s for s in self.body if isinstance(s, Instruction))


@dataclass(frozen=True)
class Module:
    """A parsed PTX module."""

    version: str
    target: str  # "sm_90" (first target)
    address_size: int
    functions: tuple[Function, ...]
    variables: tuple[Variable, ...] = ()  # module-scope .global/.const/.shared

    @property
    def kernels(self) -> tuple[Function, ...]:
        return tuple(f for f in self.functions if f.is_entry)

    def function(self, name: str) -> Function | None:
        return next((f for f in self.functions if f.name == name), None)
