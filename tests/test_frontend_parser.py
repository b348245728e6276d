"""PTX parser: exact IR for NVRTC-generated and Triton-style PTX, line-numbered errors, fuzzing."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flipflop.errors import PtxParseError
from flipflop.frontend import parse_ptx
from flipflop.frontend.ir import Instruction, Label, Module, Pragma

FIXTURES = Path(__file__).parent / "fixtures" / "ptx"
SM90 = (FIXTURES / "kernels_sm90.ptx").read_text()
TRITON = (FIXTURES / "triton_style.ptx").read_text()
KERNELS = ["vector_add", "matmul_tiled", "reduce_sum", "special_math", "rotate_points", "half_wmma",
           "inline_asm", "_Z14scale_templateIfLi4EEvPT_S0_i", "_Z14mangled_kernelPfi"]


@pytest.fixture(scope="module")
def sm90() -> Module:
    return parse_ptx(SM90)


@pytest.fixture(scope="module")
def triton() -> Module:
    return parse_ptx(TRITON)


def test_module_directives_and_function_list(sm90):
    assert (sm90.version, sm90.target, sm90.address_size) == ("9.0", "sm_90", 64)
    assert [k.name for k in sm90.kernels] == KERNELS
    assert [f.name for f in sm90.functions if not f.is_entry] == ["_Z6rotate6float2f"]


def test_every_fixture_parses():
    for path in FIXTURES.glob("*.ptx"):
        assert parse_ptx(path.read_text()).kernels, path.name


def test_vector_add_body_exactly(sm90):
    kernel = sm90.function("vector_add")
    assert [(p.name, p.type) for p in kernel.params] == [
        ("vector_add_param_0", "u64"), ("vector_add_param_1", "u64"),
        ("vector_add_param_2", "u64"), ("vector_add_param_3", "u32")]
    assert [(r.prefix, r.type, r.count) for r in kernel.registers] == [
        ("%p", "pred", 2), ("%f", "f32", 4), ("%r", "b32", 6), ("%rd", "b64", 11)]
    assert [s.full_opcode if isinstance(s, Instruction) else s.name for s in kernel.body] == [
        "ld.param.u64", "ld.param.u64", "ld.param.u64", "ld.param.u32", "mov.u32", "mov.u32", "mov.u32",
        "mad.lo.s32", "setp.ge.s32", "bra", "cvta.to.global.u64", "mul.wide.s32", "add.s64",
        "cvta.to.global.u64", "add.s64", "ld.global.f32", "ld.global.f32", "add.f32",
        "cvta.to.global.u64", "add.s64", "st.global.f32", "$L__BB0_2", "ret"]
    branch = kernel.instructions[9]
    assert (branch.predicate, branch.predicate_negated) == ("%p1", False)
    assert branch.operands[0].kind == "label" and branch.operands[0].text == "$L__BB0_2"
    assert [o.kind for o in kernel.instructions[4].operands] == ["reg", "special"]
    store = kernel.instructions[20]
    assert (store.operands[0].kind, store.operands[0].base, store.operands[0].offset) == ("addr", "%rd10", 0)
    assert SM90.splitlines()[store.line - 1].strip() == "st.global.f32 \t[%rd10], %f3;"


def test_variables_in_module_and_function_scope(sm90):
    assert [(v.name, v.space, v.size_bytes, v.align, v.extern) for v in sm90.variables] == [
        ("coefficients", "const", 64, 4, False), ("partial", "shared", 0, 16, True),
        ("$str", "global", 19, 1, False), ("__cudart_i2opi_f", "global", 24, 4, False)]
    tiles = sm90.function("matmul_tiled").variables
    assert [(v.space, v.size_bytes) for v in tiles] == [("shared", 16 * 16 * 4), ("shared", 16 * 17 * 4)]
    assert [(v.space, v.size_bytes) for v in sm90.function("special_math").variables] == [("local", 64)]  # table[8] and sinf's range reduction


def test_device_function_return_params_and_calls(sm90):
    rotate = sm90.function("_Z6rotate6float2f")
    assert [(p.name, p.type, p.align, p.array_len) for p in rotate.return_params] == [("func_retval0", "b8", 4, 8)]
    assert [(p.type, p.array_len) for p in rotate.params] == [("b8", 8), ("b32", None)]
    caller = sm90.function("rotate_points")
    assert caller.directives == (".maxntid 256, 1, 1", ".minnctapersm 2")
    calls = [i for i in caller.instructions if i.opcode == "call"]
    assert [c.operands[1].text for c in calls] == ["_Z6rotate6float2f", "vprintf"]
    returned, _, arguments = calls[0].operands
    assert returned.kind == "vector" and [i.text for i in returned.items] == ["retval0"]
    assert [i.text for i in arguments.items] == ["param0", "param1"]


def test_shuffle_pair_atomics_and_immediates(sm90):
    shuffles = [i for i in sm90.function("reduce_sum").instructions if i.opcode == "shfl"]
    assert len(shuffles) == 5 and shuffles[0].modifiers == ("sync", "down", "b32")
    pair = shuffles[0].operands[0]
    assert pair.kind == "vector" and [i.kind for i in pair.items] == ["reg", "reg"]
    assert [i.full_opcode for i in sm90.function("reduce_sum").instructions if i.opcode == "atom"] == [
        "atom.global.add.f32"]
    values = {o.text: o.value for i in sm90.function("special_math").instructions for o in i.operands
              if o.kind == "imm"}
    assert values["0f3F800000"] == 1.0 and values["0f7F800000"] == float("inf")
    assert values["0d3BF921FB54442D19"] == pytest.approx(8.4335e-21, rel=1e-4)


def test_tensor_core_and_inline_asm_scope(sm90):
    wmma = [i.full_opcode for i in sm90.function("half_wmma").instructions if i.opcode == "wmma"]
    assert "wmma.mma.sync.aligned.row.col.m16n16k16.f32.f32" in wmma
    inline = sm90.function("inline_asm")
    assert ("t", "u32", 1) in [(r.prefix, r.type, r.count) for r in inline.registers]
    moves = [i for i in inline.instructions if i.opcode == "mov" and i.operands[0].text == "t"]
    assert moves[0].operands[0].kind == "reg" and moves[0].operands[1].kind == "special"
    assert any(i.full_opcode == "cp.async.cg.shared.global" for i in inline.instructions)


def test_triton_style_ptx(triton):
    assert (triton.version, triton.target) == ("8.4", "sm_90a")
    assert [(v.name, v.extern, v.size_bytes) for v in triton.variables] == [("global_smem", True, 0)]
    kernel = triton.kernels[0]
    assert kernel.directives == (".reqntid 128, 1, 1",)
    assert [(p.type, p.align, p.array_len, p.is_pointer_hint) for p in kernel.params] == [
        ("u64", 1, None, True), ("u64", 1, None, True), ("u32", None, None, False), ("b8", 8, 16, False)]
    by_line = {s.line: s for s in kernel.body}
    assert TRITON.splitlines()[38].strip().startswith("setp.lt.and.s32")
    assert by_line[39].modifiers == ("lt", "and", "s32")  # after a two-line /* */ comment
    load = by_line[46]
    assert (load.full_opcode, load.predicate) == ("ld.global.nc.v4.f32", "%p1")
    assert load.operands[0].kind == "vector" and len(load.operands[0].items) == 4
    assert (by_line[47].predicate, by_line[47].predicate_negated, by_line[47].operands[1].value) == ("%p1", True, -4)
    assert (by_line[52].operands[0].base, by_line[52].operands[0].offset) == ("global_smem", 8)
    assert (by_line[53].operands[1].base, by_line[53].operands[1].offset) == ("%rd1", -4)
    assert by_line[55].opcode == "mma" and by_line[55].modifiers[-4:] == ("f32", "f16", "f16", "f32")
    assert by_line[56].opcode == "wgmma" and by_line[56].modifiers[0] == "mma_async"
    assert by_line[57].operands[2].value == 16
    assert isinstance(by_line[58], Pragma) and by_line[58].text == "nounroll"
    assert [s.name for s in kernel.body if isinstance(s, Label)] == [
        "$L__func_begin0", "$L__tmp0", "$L__BB0_2", "$L__tmp1", "$L__func_end0"]


MINIMAL = ".version 8.0\n.target sm_80\n.address_size 64\n.visible .entry k()\n{\n\tret;\n}\n"


@pytest.mark.parametrize("text, line, message", [
    (MINIMAL.replace("ret;", "ret"), 6, "missing ';'"),
    (MINIMAL.replace("\n}\n", "\n"), 7, "missing '}'"),
    (MINIMAL + "}\n", 8, "without a matching"),
    (MINIMAL.replace(".version 8.0\n", ""), 1, "missing .version"),
    (MINIMAL + "add.s32 %r1, %r2, %r3;\n", 8, "outside a function"),
    (MINIMAL.replace("ret;", "ld.global.f32 %f1, [%rd1;"), 6, "unbalanced"),
    (MINIMAL.replace("ret;", "add.s32 %r1, , %r3;"), 6, "empty operand"),
    (MINIMAL.replace("ret;", "/* never closed\nret;"), 6, "unclosed '/*'"),
    (MINIMAL.replace("ret;", "mov.u32 %r1, 12abc;"), 6, "cannot parse operand"),
    (MINIMAL.replace("ret;", "mov.b32 " + "{" * 3000 + "%r1" + "}" * 3000 + ";"), 6, "nested too deeply"),
    (MINIMAL.replace("ret;", "mov.u64 %rd1, " + "9" * 5000 + ";"), 6, "integer out of range"),
])
def test_malformed_ptx_names_the_line(text, line, message):
    with pytest.raises(PtxParseError) as error:
        parse_ptx(text)
    assert error.value.line == line and message in str(error.value)
    assert "\n" not in str(error.value)


def _parse_or_error(text: str) -> None:
    try:
        parse_ptx(text)
    except PtxParseError as error:
        assert "\n" not in str(error) and error.line >= 1


SMALL_REAL = SM90[:SM90.index("// .globl\tmatmul_tiled")] + TRITON[TRITON.index(".visible .entry"):]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzzed_real_ptx_parses_or_raises_ptx_parse_error(data):
    text = SMALL_REAL
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        insert = data.draw(st.text(alphabet=st.sampled_from(list("{}[]();,.%@!|:$_-+ \n\"/*0xfdrp1v4")),
                                   max_size=6))
        text = text[:start] + insert + text[end:]
    _parse_or_error(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_parses_or_raises_ptx_parse_error(text):
    _parse_or_error(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(SM90)))
def test_truncated_ptx_parses_or_raises_ptx_parse_error(cut):
    _parse_or_error(SM90[:cut])
