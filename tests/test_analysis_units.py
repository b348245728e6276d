"""Unit tests of the analysis pieces that need no compiler: symbolic expressions, the opcode
table, the CFG on hand-built IR, trip-count solving, coalescing and bank-conflict math."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from flipflop.analysis.cfg import build_cfg
from flipflop.analysis.memory import bank_conflict_degree, units_per_request
from flipflop.analysis.opcodes import classify
from flipflop.analysis.symbolic import NotEvaluable, const, op, sym, unknown
from flipflop.analysis.tripcount import solve_trip_count
from flipflop.frontend.ir import Function, Instruction, Label, Operand


# ----- symbolic -----------------------------------------------------------------------

def test_polynomial_normal_form_collects_terms():
    x, n = sym("tid.x"), sym("n")
    e = (x + 3) * 4 + x * n - 12 - 4 * x
    assert str(e) == "n*tid.x"
    assert (x * 2 + x).linear_in("tid.x") == (const(0), const(3))


def test_linear_in_rejects_products_and_operations():
    x = sym("tid.x")
    assert (x * x).linear_in("tid.x") is None
    assert op("floordiv", x, const(32)).linear_in("tid.x") is None
    e0, e1 = (sym("ctaid.x") * sym("ntid.x") + x).linear_in("tid.x")
    assert str(e0) == "ctaid.x*ntid.x" and e1 == const(1)


def test_floordiv_and_mod_fold_exact_parts():
    x = sym("i")
    assert op("floordiv", x * 8 + 16, const(4)) == x * 2 + 4
    assert op("mod", x * 8 + 5, const(4)) == const(1)
    assert op("shl", x, const(3)) == x * 8
    assert op("and", x, const(3)) == op("mod", x, const(4))


def test_vectorised_evaluation_and_unknowns():
    e = sym("ctaid.x") * sym("ntid.x") + sym("tid.x")
    env = {"ctaid.x": np.array([0, 1, 2]), "ntid.x": 128, "tid.x": np.array([5, 5, 5])}
    assert e.evaluate(env).tolist() == [5, 133, 261]
    with pytest.raises(NotEvaluable):
        (e + unknown("data", True)).evaluate(env)
    assert unknown("data", True).varying() and not unknown("data", False).varying()
    assert sym("tid.y").varying() and not sym("ctaid.y").varying()


def test_bounds_from_symbol_ranges():
    e = sym("tid.x") * 4 + op("mod", sym("ctaid.x"), const(8))
    assert e.bounds({"tid.x": (0, 31), "ctaid.x": (0, 100)}) == (0.0, 131.0)
    assert e.bounds({"tid.x": (0, 31)}) == (0.0, 131.0)  # a modulo is bounded by its divisor
    assert sym("n").vmax({}) == float("inf")


@given(st.integers(-1000, 1000), st.integers(1, 50), st.integers(-1000, 1000))
def test_closed_form_trip_count_matches_simulation(start, step, bound):
    i = sym("i0")
    # while (start + step·(i+1) < bound) — the bottom test of a do-while loop
    stay = op("lt", const(start) + const(step) * (i + 1), const(bound))
    trip = solve_trip_count(stay, "i0").evaluate({})
    count, value = 1, start + step
    while value < bound:
        count, value = count + 1, value + step
    assert trip == count


def test_geometric_loop_uses_a_scan():
    i = sym("i0")
    stay = op("ne", op("shr", sym("n"), i + 1), const(0))
    trip = solve_trip_count(stay, "i0")
    assert "scan" in str(trip)
    assert int(np.asarray(trip.evaluate({"n": 256}))) == 9
    assert solve_trip_count(op("lt", unknown("x", True), sym("n")), "i0") is None


# ----- opcode classes -------------------------------------------------------------------

def _ins(opcode, *mods, operands=()):
    return Instruction(opcode, tuple(mods), tuple(operands), 1)


@pytest.mark.parametrize("ins, expected", [
    (_ins("fma", "rn", "f32"), (("fp32", 1.0),)),
    (_ins("add", "f64"), (("fp64", 1.0),)),
    (_ins("fma", "rn", "bf16x2"), (("fp16", 1.0),)),
    (_ins("mad", "lo", "s32"), (("int", 1.0),)),
    (_ins("setp", "lt", "f32"), (("fp32", 1.0),)),
    (_ins("ex2", "approx", "ftz", "f32"), (("sfu", 1.0),)),
    (_ins("rcp", "approx", "ftz", "f64"), (("sfu", 1.0),)),
    (_ins("div", "rn", "f32"), (("fp32", 8.0), ("sfu", 1.0))),
    (_ins("div", "full", "f32"), (("sfu", 1.0), ("fp32", 1.0))),
    (_ins("mma", "sync", "aligned", "m16n8k16", "row", "col", "f32", "f16", "f16", "f32"), (("tensor", 1.0),)),
    (_ins("cvt", "rn", "f32", "s32"), (("convert", 1.0),)),
    (_ins("cvta", "to", "global", "u64"), (("int", 1.0),)),
    (_ins("ld", "global", "nc", "v4", "f32"), (("global_load", 1.0),)),
    (_ins("st", "shared", "f32"), (("shared_store", 1.0),)),
    (_ins("ld", "const", "f32"), (("const_load", 1.0),)),
    (_ins("ld", "param", "u64"), (("other", 1.0),)),
    (_ins("atom", "shared", "add", "u32"), (("atomic", 1.0),)),
    (_ins("bar", "sync"), (("barrier", 1.0),)),
    (_ins("membar", "gl"), (("other", 1.0),)),
    (_ins("bra", "uni"), (("branch", 1.0),)),
    (_ins("shfl", "sync", "down", "b32"), (("int", 1.0),)),
    (_ins("mov", "u32"), (("other", 1.0),)),
    (_ins("frobnicate", "x"), (("other", 1.0),)),
])
def test_opcode_classes(ins, expected):
    assert classify(ins) == expected


def test_generic_space_load_takes_the_resolved_space():
    assert classify(_ins("ld", "f32"), space="shared") == (("shared_load", 1.0),)
    assert classify(_ins("ld", "f32")) == (("global_load", 1.0),)


# ----- CFG on hand-built IR ---------------------------------------------------------------

def _reg(name):
    return Operand("reg", name)


def _label(name):
    return Operand("label", name)


def test_cfg_finds_nested_loops_and_back_edges():
    body = (
        _ins("mov", "u32", operands=(_reg("%r1"), Operand("imm", "0", 0))),
        Label("OUTER", 2),
        _ins("mov", "u32", operands=(_reg("%r2"), Operand("imm", "0", 0))),
        Label("INNER", 4),
        _ins("add", "s32", operands=(_reg("%r2"), _reg("%r2"), Operand("imm", "1", 1))),
        _ins("setp", "lt", "s32", operands=(_reg("%p1"), _reg("%r2"), Operand("imm", "8", 8))),
        Instruction("bra", (), (_label("INNER"),), 7, predicate="%p1"),
        _ins("add", "s32", operands=(_reg("%r1"), _reg("%r1"), Operand("imm", "1", 1))),
        _ins("setp", "lt", "s32", operands=(_reg("%p2"), _reg("%r1"), Operand("imm", "4", 4))),
        Instruction("bra", (), (_label("OUTER"),), 10, predicate="%p2"),
        _ins("ret"),
    )
    cfg = build_cfg(Function("k", True, (), (), (), body, 1))
    assert len(cfg.blocks) == 5
    assert [(lp.depth, len(lp.blocks)) for lp in cfg.loops] == [(1, 3), (2, 1)]
    outer, inner = cfg.loops
    assert inner.parent == outer.index
    assert len(cfg.back_edges) == 2
    assert cfg.blocks[2].successors == (2, 3)  # predicated bra: target first, then fall-through
    assert cfg.blocks[4].successors == ()


# ----- coalescing and bank conflicts ----------------------------------------------------

LANES = np.arange(32, dtype=np.int64)
ALL = np.ones((1, 32), dtype=bool)


def test_sectors_and_lines_for_contiguous_and_strided_warps():
    contiguous = (LANES * 4)[None, :]
    assert units_per_request(contiguous, ALL, 4, 32).tolist() == [4]
    assert units_per_request(contiguous, ALL, 4, 128).tolist() == [1]
    assert units_per_request(contiguous + 64, ALL, 4, 128).tolist() == [2]  # misaligned
    strided = (LANES * 4096)[None, :]
    assert units_per_request(strided, ALL, 4, 32).tolist() == [32]
    assert units_per_request((LANES * 16)[None, :], ALL, 16, 32).tolist() == [16]
    half = ALL.copy()
    half[0, 16:] = False
    assert units_per_request(contiguous, half, 4, 32).tolist() == [2]
    assert units_per_request(contiguous, np.zeros((1, 32), bool), 4, 32).tolist() == [0]


def test_bank_conflicts_columns_padding_broadcast_and_phases():
    assert bank_conflict_degree((LANES * 128)[None, :], ALL, 4).tolist() == [32.0]
    assert bank_conflict_degree((LANES * 132)[None, :], ALL, 4).tolist() == [1.0]
    assert bank_conflict_degree(np.zeros((1, 32), np.int64), ALL, 4).tolist() == [1.0]  # broadcast
    assert bank_conflict_degree(np.zeros((1, 32), np.int64), ALL, 4, broadcast=False).tolist() == [32.0]
    assert bank_conflict_degree((LANES * 8)[None, :], ALL, 4).tolist() == [2.0]  # stride 2 words
    assert bank_conflict_degree((LANES * 8)[None, :], ALL, 8).tolist() == [1.0]  # doubles: half warps
    assert bank_conflict_degree((LANES * 16)[None, :], ALL, 16).tolist() == [1.0]  # float4: quarters
    assert bank_conflict_degree((LANES * 16)[None, :], ALL, 8).tolist() == [2.0]


def test_new_units_count_only_sectors_no_earlier_copy_touched():
    from flipflop.analysis.memory import new_units_per_request
    lanes = np.arange(32, dtype=np.int64) * 4  # one warp reading 128 contiguous bytes
    copies = np.stack([lanes, lanes + 4, lanes + 128, lanes])[:, None, :]  # (4 copies, 1 warp, 32)
    active = np.ones(copies.shape, dtype=bool)
    fresh = new_units_per_request(copies, active, 4, 32)
    # 4 sectors; +4 bytes reaches sector 4; +128 covers sectors 4-7, three of them new; a
    # repeat of copy 0 none.
    assert fresh[:, 0].tolist() == [4.0, 1.0, 3.0, 0.0]
    active[0, 0, 8:] = False  # copy 0 now reads only its first sector
    assert new_units_per_request(copies, active, 4, 32)[:, 0].tolist() == [1.0, 4.0, 3.0, 0.0]
