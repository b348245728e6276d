"""PTX text → the IR of ``flipflop.frontend.ir``.

Handles PTX as NVRTC/nvcc 12.x–13.x and Triton emit it: module directives, ``.entry`` and
``.func`` (with return parameters), register declarations, state-space variables (extern
dynamic shared included), labels, predicated instructions, vector and address operands,
immediates (hex, ``0f``/``0d`` floats), ``call``, ``.pragma``, nested ``{ }`` scopes (flattened),
and debug directives and sections (skipped). Unknown opcodes are kept as written.

The parser only parses: it attaches no meaning to opcodes. Malformed input raises
PtxParseError with its line number; no other exception escapes.

It is on the hot path (once per configuration), so statements are found with one regex
scan over the text and each statement is parsed with anchored regexes.
"""
from __future__ import annotations

import bisect
import re
import struct
from dataclasses import dataclass, field

from flipflop.errors import PtxParseError
from flipflop.frontend.ir import (Function, Instruction, Label, Module, Operand, Param, Pragma,
                                  RegisterDecl, Statement, Variable)

# Bytes per element of each PTX fundamental type; opaque handles (texref, ...) have no size.
TYPE_BYTES: dict[str, int] = {
    "pred": 1, "b8": 1, "u8": 1, "s8": 1, "e4m3": 1, "e5m2": 1,
    "b16": 2, "u16": 2, "s16": 2, "f16": 2, "bf16": 2, "e4m3x2": 2, "e5m2x2": 2,
    "b32": 4, "u32": 4, "s32": 4, "f32": 4, "f16x2": 4, "bf16x2": 4, "tf32": 4,
    "b64": 8, "u64": 8, "s64": 8, "f64": 8,
    "b128": 16,
    "texref": 0, "samplerref": 0, "surfref": 0,
}
STATE_SPACES = ("global", "shared", "const", "local")
# Special registers without a .x/.y/.z component (those with one are matched by pattern).
SPECIAL_REGISTERS = frozenset({
    "%laneid", "%warpid", "%nwarpid", "%smid", "%nsmid", "%gridid", "%clock", "%clock64",
    "%clock_hi", "%lanemask_eq", "%lanemask_le", "%lanemask_lt", "%lanemask_ge", "%lanemask_gt",
    "%globaltimer", "%globaltimer_lo", "%globaltimer_hi", "%dynamic_smem_size", "%total_smem_size",
    "%aggr_smem_size", "%is_explicit_cluster", "%cluster_ctarank", "%cluster_nctarank",
    "%current_graph_exec", "%reserved_smem_offset_begin", "%reserved_smem_offset_end",
    "%reserved_smem_offset_cap",
})
# Body directives that carry no information for the analyses.
_SKIPPED_DIRECTIVES = frozenset({"loc", "file", "section", "callprototype", "branchtargets",
                                 "calltargets", "param", "alias", "weak", "common"})

# Directives that end at the end of their line, without ';'.
_LINE_DIRECTIVE = re.compile(r"^[ \t]*\.(version|target|address_size|file|loc)\b([^\n]*)", re.M)
_SCAN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[;{}]')
_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/', re.S)
_LABEL = re.compile(r"\s*([A-Za-z_$%][\w$%]*)\s*:(?!:)")
_INSTRUCTION = re.compile(r"(?:@(!?)\s*(%?[A-Za-z_$][\w$]*)\s+)?([A-Za-z_][\w.:]*)(?:\s+(.*))?\Z", re.S)
_OPCODE = re.compile(r"[A-Za-z_]\w*(?:\.[\w:]+)*\Z")
_REGISTER = re.compile(r"!?%[A-Za-z_$][\w$]*\Z")
_SPECIAL = re.compile(r"%(?:n?tid|n?ctaid|n?clusterid|cluster_n?ctaid)\.[xyz]\Z|%envreg\d+\Z|%pm\d+(?:_64)?\Z"
                      r"|%reserved_smem_offset_\d+\Z")
_INT = re.compile(r"([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]+|\d+)U?\Z")
_HEX_FLOAT = re.compile(r"0([fFdD])([0-9a-fA-F]+)\Z")
_DEC_FLOAT = re.compile(r"[+-]?\d+\.\d*(?:[eE][+-]?\d+)?\Z|[+-]?\d+[eE][+-]?\d+\Z")
_NAME = re.compile(r"[A-Za-z_$%][\w$]*\Z")
_SYMBOL = re.compile(r"([A-Za-z_$][\w$.]*)(?:\s*([+-])\s*([+-]?\w+))?\Z")
_ADDRESS = re.compile(r"(%?[A-Za-z_$][\w$.]*)?\s*(?:([+-])\s*([+-]?\w+))?\Z")
_REG_TYPES = re.compile(r"\.reg((?:\s*\.\w+)+)\s+(.*)\Z", re.S)
_REG_DECL = re.compile(r"(%?[A-Za-z_$][\w$]*)\s*(?:<\s*(\d+)\s*>)?\Z")
_VAR_NAME = re.compile(r"([A-Za-z_$%][\w$]*)((?:\s*\[\s*\d*\s*\])*)\s*(?:=.*)?\Z", re.S)
_DIMENSION = re.compile(r"\[\s*(\d*)\s*\]")
_HEADER = re.compile(r"((?:\.\w+\s+)*?)\.(entry|func)\b\s*(.*)\Z", re.S)
_HEADER_DIRECTIVE = re.compile(r"\s*\.(\w+)((?:\s*[\d,]+)*)")
_MAX_NESTING = 4  # PTX nests operand lists at most twice: [tensor, {coordinates}]
_ALIGN = re.compile(r"\.align\s+(\d+)")


@dataclass(frozen=True)
class _Scope:
    """Names declared in a function that decide an operand's kind: labels and plain registers."""

    labels: frozenset[str]
    registers: frozenset[str]


@dataclass
class _Stmt:
    """One raw statement: text without its terminator, and the line it starts on."""

    text: str
    line: int
    kind: str  # "stmt", "open" (text is the header before "{"), "close", "label"


def _strip_comments(text: str) -> str:
    """Blank out comments, keeping strings and offsets (so line numbers stay right)."""
    def blank(match: re.Match) -> str:
        token = match.group(0)
        return token if token[0] == '"' else re.sub(r"[^\n]", " ", token)
    return _COMMENT.sub(blank, text)


class _Lines:
    """Character offset → 1-based line number."""

    def __init__(self, text: str):
        self.starts = [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) + 1


def _first_char(text: str, start: int, end: int) -> int:
    """Offset of the first non-space character of text[start:end] (``end`` if none)."""
    stripped = len(text[start:end]) - len(text[start:end].lstrip())
    return start + stripped


def _matching_brace(text: str, start: int, lines: _Lines) -> int:
    """Offset just past the ``}`` matching the ``{`` at ``start`` (operand braces)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        elif char == ";":
            break
    raise PtxParseError(lines.at(start), "unclosed '{' in operand list")


def _statements(text: str, lines: _Lines) -> list[_Stmt]:
    """Split comment-free PTX into statements, labels and block opens/closes."""
    out: list[_Stmt] = []
    pending_start = 0
    pos = 0
    while True:
        match = _SCAN.search(text, pos)
        if match is None:
            break
        token = match.group(0)
        if token[0] == '"':
            pos = match.end()
            continue
        start = pending_start
        # Labels at the front of the pending text start statements of their own.
        while True:
            label = _LABEL.match(text, start, match.start())
            if label is None:
                break
            out.append(_Stmt(label.group(1), lines.at(label.start(1)), "label"))
            start = label.end()
        first = _first_char(text, start, match.start())
        pending = text[first:match.start()].rstrip()
        line = lines.at(first)
        if token == ";":
            out.append(_Stmt(pending, line, "stmt"))
        elif token == "{":
            if pending.startswith(".section"):
                # Debug sections hold DWARF bytes in lines without ';': skip them whole.
                end = text.find("}", match.end())
                if end < 0:
                    raise PtxParseError(line, "unclosed .section block")
                pos = pending_start = end + 1
                continue
            if pending and not _HEADER.match(pending):
                # A vector operand or an initialiser: part of the statement.
                pos = _matching_brace(text, match.start(), lines)
                pending_start = start
                continue
            out.append(_Stmt(pending, line if pending else lines.at(match.start()), "open"))
        else:
            if pending:
                raise PtxParseError(line, f"missing ';' after {_clip(pending)}")
            out.append(_Stmt("", lines.at(match.start()), "close"))
        pos = pending_start = match.end()
    start = pending_start
    while True:
        label = _LABEL.match(text, start)
        if label is None:
            break
        out.append(_Stmt(label.group(1), lines.at(label.start(1)), "label"))
        start = label.end()
    rest = text[start:].strip()
    if rest:
        raise PtxParseError(lines.at(_first_char(text, start, len(text))), f"missing ';' after {_clip(rest)}")
    return out


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _split_top(text: str, line: int, separator: str = ",") -> list[str]:
    """Split on ``separator`` outside (), [] and {}."""
    if not any(c in text for c in "([{)]}"):
        return text.split(separator)
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                raise PtxParseError(line, f"unbalanced {char!r} in {_clip(text)}")
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    if depth != 0:
        raise PtxParseError(line, f"unbalanced brackets in {_clip(text)}")
    parts.append(text[start:])
    return parts


def _int_value(text: str, line: int) -> int:
    match = _INT.match(text)
    if match is None:
        raise PtxParseError(line, f"bad integer {text!r}")
    sign, digits = match.groups()
    if len(digits) > 66:  # PTX integers are at most 64 bits, even written in binary
        raise PtxParseError(line, f"integer out of range {_clip(text)}")
    if digits[:2] in ("0x", "0X"):
        value = int(digits[2:], 16)
    elif digits[:2] in ("0b", "0B"):
        value = int(digits[2:], 2)
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    return -value if sign == "-" else value


def _immediate(text: str, line: int) -> int | float | None:
    """The value of an immediate operand, or None when ``text`` is not one."""
    hex_float = _HEX_FLOAT.match(text)
    if hex_float:
        kind, digits = hex_float.groups()
        if kind in "fF" and len(digits) == 8:
            return struct.unpack(">f", bytes.fromhex(digits))[0]
        if kind in "dD" and len(digits) == 16:
            return struct.unpack(">d", bytes.fromhex(digits))[0]
        return None
    if _INT.match(text):
        return _int_value(text, line)
    if _DEC_FLOAT.match(text):
        return float(text)
    return None


def _offset(sign: str | None, amount: str | None, line: int) -> int:
    if amount is None:
        return 0
    value = _int_value(amount, line)
    return -value if sign == "-" else value


def _operand(text: str, line: int, scope: _Scope, depth: int = 0) -> Operand:
    """Parse one operand as written (already stripped); ``depth`` counts enclosing lists."""
    if not text:
        raise PtxParseError(line, "empty operand")
    if depth > _MAX_NESTING:
        raise PtxParseError(line, "operand lists nested too deeply")
    head = text[0]
    if head == "[":
        if text[-1] != "]":
            raise PtxParseError(line, f"bad address {_clip(text)}")
        return _address(text, line, scope, depth)
    if head in "{(":
        closing = "}" if head == "{" else ")"
        if text[-1] != closing:
            raise PtxParseError(line, f"bad operand list {_clip(text)}")
        inner = text[1:-1].strip()
        items = tuple(_operand(p.strip(), line, scope, depth + 1) for p in _split_top(inner, line)) if inner else ()
        return Operand("vector", text, items=items)
    if "|" in text:  # destination pair "%r1|%p1" of shfl/setp
        parts = text.split("|")
        if len(parts) != 2:
            raise PtxParseError(line, f"bad register pair {_clip(text)}")
        return Operand("vector", text, items=tuple(_operand(p.strip(), line, scope, depth + 1) for p in parts))
    if head == "%" or head == "!":
        if text in SPECIAL_REGISTERS or _SPECIAL.match(text):
            return Operand("special", text)
        if _REGISTER.match(text):
            return Operand("reg", text)
        raise PtxParseError(line, f"bad register {_clip(text)}")
    value = _immediate(text, line)
    if value is not None:
        return Operand("imm", text, value=value)
    symbol = _SYMBOL.match(text)
    if symbol:
        name, sign, amount = symbol.groups()
        if amount is None and name in scope.labels:
            return Operand("label", text)
        if amount is None and name in scope.registers:
            return Operand("reg", text)
        return Operand("symbol", text, base=name, offset=_offset(sign, amount, line))
    raise PtxParseError(line, f"cannot parse operand {_clip(text)}")


def _address(text: str, line: int, scope: _Scope, depth: int) -> Operand:
    """``[%rd1+16]``, ``[smem+-4]``, ``[%rd1]``, ``[64]``, or a tensor address ``[%rd1, {%r1, %r2}]``."""
    parts = _split_top(text[1:-1], line)
    inner = parts[0].strip()
    items = tuple(_operand(p.strip(), line, scope, depth + 1) for p in parts[1:])
    if _INT.match(inner):
        return Operand("addr", text, base=None, offset=_int_value(inner, line), items=items)
    match = _ADDRESS.match(inner)
    if match is None or match.group(1) is None:
        raise PtxParseError(line, f"bad address {_clip(text)}")
    base, sign, amount = match.groups()
    return Operand("addr", text, base=base, offset=_offset(sign, amount, line), items=items)


def _type_of(tokens: list[str], line: int, what: str) -> str:
    """The last fundamental type among dotted ``tokens`` (``.v4 .f32`` → "v4.f32")."""
    types = [t[1:] for t in tokens if t[1:] in TYPE_BYTES]
    if not types:
        raise PtxParseError(line, f"{what} without a type")
    vector = next((t[1:] for t in tokens if t in (".v2", ".v4", ".v8")), None)
    return f"{vector}.{types[-1]}" if vector else types[-1]


def _type_bytes(type_name: str) -> int:
    if "." in type_name:
        vector, element = type_name.split(".")
        return int(vector[1:]) * TYPE_BYTES[element]
    return TYPE_BYTES[type_name]


def _variables(text: str, line: int) -> list[Variable]:
    """``[.extern] .shared [.align N] .type name[dims] [= init][, name2 ...]``."""
    head = text.partition("=")[0]
    tokens = list(re.finditer(r"\S+", head))
    attributes = [t.group(0) for t in tokens if t.group(0).startswith(".")]
    space = next((t[1:] for t in attributes if t[1:] in STATE_SPACES), None)
    if space is None:
        raise PtxParseError(line, f"variable without a state space: {_clip(text)}")
    type_name = _type_of(attributes, line, "variable")
    align = _ALIGN.search(head)
    # Names follow the type token; several may follow, separated by commas.
    type_end = next(t.end() for t in reversed(tokens) if t.group(0)[1:] in TYPE_BYTES)
    out = []
    for part in _split_top(text[type_end:], line):
        match = _VAR_NAME.match(part.strip())
        if match is None:
            raise PtxParseError(line, f"bad variable declaration {_clip(text)}")
        count = 1
        for dim in _DIMENSION.findall(match.group(2)):
            count *= int(dim) if dim else 0
        out.append(Variable(name=match.group(1), space=space, type=type_name,
                            size_bytes=_type_bytes(type_name) * count,
                            align=int(align.group(1)) if align else None,
                            extern=".extern" in attributes, line=line))
    return out


def _registers(text: str, line: int) -> list[RegisterDecl]:
    """``.reg .b32 %r<30>;``, ``.reg .pred %p, %q;`` or ``.reg .v4 .b32 %v;`` (type "v4.b32")."""
    match = _REG_TYPES.match(text)
    if match is None:
        raise PtxParseError(line, f"bad register declaration {_clip(text)}")
    type_name = _type_of(match.group(1).split(), line, "register declaration")
    decls = []
    for part in match.group(2).split(","):
        name = _REG_DECL.match(part.strip())
        if name is None:
            raise PtxParseError(line, f"bad register declaration {_clip(text)}")
        prefix, count = name.groups()
        decls.append(RegisterDecl(prefix=prefix, type=type_name, count=int(count) if count else 1))
    return decls


def _params(text: str, line: int) -> tuple[Param, ...]:
    """``.param .u64 .ptr .global .align 8 name, .param .align 8 .b8 name[16]``."""
    if not text.strip():
        return ()
    params = []
    for part in _split_top(text, line):
        tokens = part.replace("[", " [").split()
        if len(tokens) < 2 or tokens[0] not in (".param", ".reg"):
            raise PtxParseError(line, f"bad parameter {_clip(part)}")
        array = tokens[-1] if tokens[-1].startswith("[") else None
        name_index = -2 if array else -1
        name = tokens[name_index]
        if not _NAME.match(name):
            raise PtxParseError(line, f"bad parameter name {_clip(name)}")
        attributes = tokens[1:name_index] if array else tokens[1:-1]
        align = _ALIGN.search(part)
        array_len = None
        if array:
            dim = _DIMENSION.fullmatch(array)
            if dim is None or not dim.group(1):
                raise PtxParseError(line, f"bad parameter array {_clip(part)}")
            array_len = int(dim.group(1))
        params.append(Param(name=name, type=_type_of(attributes, line, "parameter"),
                            align=int(align.group(1)) if align else None,
                            array_len=array_len, is_pointer_hint=".ptr" in attributes))
    return tuple(params)


def _parenthesised(text: str, line: int) -> tuple[str, str]:
    """Split ``(inner) rest`` → (inner, rest)."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[1:index], text[index + 1:]
    raise PtxParseError(line, "unclosed '(' in function header")


@dataclass
class _FunctionBuilder:
    name: str
    is_entry: bool
    params: tuple[Param, ...]
    return_params: tuple[Param, ...]
    directives: tuple[str, ...]
    line: int
    registers: list[RegisterDecl] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    raw: list[_Stmt] = field(default_factory=list)  # labels, instructions and pragmas in order

    def build(self) -> Function:
        scope = _Scope(labels=frozenset(s.text for s in self.raw if s.kind == "label"),
                       registers=frozenset(r.prefix for r in self.registers if r.count == 1))
        body: list[Statement] = []
        for stmt in self.raw:
            if stmt.kind == "label":
                body.append(Label(stmt.text, stmt.line))
            elif stmt.kind == "pragma":
                body.append(Pragma(stmt.text, stmt.line))
            else:
                body.append(_instruction(stmt.text, stmt.line, scope))
        return Function(name=self.name, is_entry=self.is_entry, params=self.params,
                        registers=tuple(self.registers), variables=tuple(self.variables),
                        body=tuple(body), line=self.line, return_params=self.return_params,
                        directives=self.directives)


def _header(text: str, line: int) -> _FunctionBuilder:
    """``.visible .entry name(params) .maxntid 256, 1, 1`` or ``.func (.param .b32 r) name(params)``."""
    match = _HEADER.match(text)
    if match is None:
        raise PtxParseError(line, f"bad function header {_clip(text)}")
    is_entry = match.group(2) == "entry"
    rest = match.group(3).strip()
    return_params: tuple[Param, ...] = ()
    if rest.startswith("("):
        if is_entry:
            raise PtxParseError(line, "a kernel (.entry) cannot return values")
        inner, rest = _parenthesised(rest, line)
        return_params = _params(inner, line)
        rest = rest.strip()
    name = re.match(r"[A-Za-z_$%][\w$]*", rest)
    if name is None:
        raise PtxParseError(line, f"function without a name: {_clip(text)}")
    rest = rest[name.end():].strip()
    params: tuple[Param, ...] = ()
    if rest.startswith("("):
        inner, rest = _parenthesised(rest, line)
        params = _params(inner, line)
    directives = []
    position = 0
    rest = rest.strip()
    while position < len(rest):
        directive = _HEADER_DIRECTIVE.match(rest, position)
        if directive is None or directive.end() == position:
            raise PtxParseError(line, f"bad function header directive {_clip(rest[position:])}")
        values = [v for v in re.split(r"[\s,]+", directive.group(2)) if v]
        directives.append(" ".join(filter(None, (f".{directive.group(1)}", ", ".join(values)))))
        position = directive.end()
        while position < len(rest) and rest[position].isspace():
            position += 1
    return _FunctionBuilder(name=name.group(0), is_entry=is_entry, params=params,
                            return_params=return_params, directives=tuple(directives), line=line)


def _instruction(text: str, line: int, scope: _Scope) -> Instruction:
    match = _INSTRUCTION.match(text)
    if match is None or not _OPCODE.match(match.group(3)):
        raise PtxParseError(line, f"cannot parse instruction {_clip(text)}")
    negated, predicate, opcode, operand_text = match.groups()
    parts = opcode.split(".")
    operands: tuple[Operand, ...] = ()
    if operand_text and operand_text.strip():
        operands = tuple(_operand(p.strip(), line, scope) for p in _split_top(operand_text, line))
    return Instruction(opcode=parts[0], modifiers=tuple(parts[1:]), operands=operands, line=line,
                       predicate=predicate, predicate_negated=bool(negated))


def _directive_name(text: str) -> str:
    return text[1:].split(None, 1)[0] if text.startswith(".") and len(text) > 1 else ""


def _pragma_text(text: str) -> str:
    return " ".join(s.strip('"') for s in re.findall(r'"(?:[^"\\]|\\.)*"', text)) or text[len(".pragma"):].strip()


def parse_ptx(text: str) -> Module:
    """Parse PTX ``text`` into a Module. Raises PtxParseError(line, message) on malformed input."""
    lines = _Lines(text)
    stripped = _strip_comments(text)
    unclosed = stripped.find("/*")
    if unclosed >= 0:
        raise PtxParseError(lines.at(unclosed), "unclosed '/*' comment")
    header: dict[str, tuple[str, int]] = {}

    def take_line_directive(match: re.Match) -> str:
        name, value = match.group(1), match.group(2).strip().rstrip(";").strip()
        if name in ("version", "target", "address_size") and name not in header:
            header[name] = (value, lines.at(match.start(1)))
        return " " * len(match.group(0))

    stripped = _LINE_DIRECTIVE.sub(take_line_directive, stripped)
    functions: list[Function] = []
    variables: list[Variable] = []
    current: _FunctionBuilder | None = None
    depth = 0  # open braces inside the current function body
    for stmt in _statements(stripped, lines):
        if current is not None:
            if stmt.kind == "open":
                if stmt.text:
                    raise PtxParseError(stmt.line, f"unexpected block after {_clip(stmt.text)}")
                depth += 1
            elif stmt.kind == "close":
                depth -= 1
                if depth == 0:
                    functions.append(current.build())
                    current = None
            elif stmt.kind == "label":
                current.raw.append(stmt)
            else:
                _body_statement(current, stmt)
            continue
        if stmt.kind == "open":
            current, depth = _header(stmt.text, stmt.line), 1
            continue
        if stmt.kind == "close":
            raise PtxParseError(stmt.line, "'}' without a matching '{'")
        if stmt.kind == "label":
            raise PtxParseError(stmt.line, f"label {stmt.text!r} outside a function")
        name = _directive_name(stmt.text)
        if any(f".{space}" in stmt.text.split() for space in STATE_SPACES) and not _HEADER.match(stmt.text):
            variables += _variables(stmt.text, stmt.line)
        elif name in _SKIPPED_DIRECTIVES or name in ("pragma", "extern", "visible", "entry", "func"):
            continue  # debug info, pragmas and function prototypes carry nothing to analyse
        elif stmt.text:
            raise PtxParseError(stmt.line, f"unexpected statement outside a function: {_clip(stmt.text)}")
    if current is not None:
        raise PtxParseError(lines.at(len(text)), "unexpected end of PTX: missing '}'")
    if "version" not in header or "target" not in header:
        raise PtxParseError(1, "not PTX: missing .version or .target directive")
    version = _checked(header["version"], r"\d+\.\d+", ".version")
    target = _checked(header["target"], r"\w+(?:\s*,\s*\w+)*", ".target").split(",")[0].strip()
    # 32 is the PTX default when .address_size is absent.
    address_size = int(_checked(header.get("address_size", ("32", 1)), r"32|64", ".address_size"))
    return Module(version=version, target=target, address_size=address_size,
                  functions=tuple(functions), variables=tuple(variables))


def _checked(entry: tuple[str, int], pattern: str, directive: str) -> str:
    """The value of a module directive, checked against ``pattern``."""
    value, line = entry
    if not re.fullmatch(pattern, value):
        raise PtxParseError(line, f"bad {directive} directive {_clip(value)}")
    return value


def _body_statement(function: _FunctionBuilder, stmt: _Stmt) -> None:
    text = stmt.text
    if not text:
        return  # a stray ';'
    if text[0] != ".":
        function.raw.append(stmt)
        return
    name = _directive_name(text)
    if name == "reg":
        function.registers += _registers(text, stmt.line)
    elif name == "pragma":
        function.raw.append(_Stmt(_pragma_text(text), stmt.line, "pragma"))
    elif name in STATE_SPACES or (name in ("extern", "visible") and any(
            f".{space}" in text.split() for space in STATE_SPACES)):
        function.variables.extend(_variables(text, stmt.line))
    elif function.raw and function.raw[-1].kind == "label" and name == "callprototype":
        function.raw.pop()  # "prototype_0 : .callprototype ..." names a signature, not a block
    # Other directives (.loc, .param for call arguments, ...) carry nothing to analyse.
