"""Fuzzing the input readers: the spec reader, the --args/--block parsers and the API's
argument checks raise only the project's own errors (FlipflopError), never another exception."""
import json
import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flipflop.api import check_arguments, power_limit_list
from flipflop.cli import _ints
from flipflop.errors import FlipflopError
from flipflop.frontend.ir import Param
from flipflop.hardware.registry import resolve_profile
from flipflop.problem import check_call
from flipflop.search.space import enumerate_space, evaluate
from flipflop.search.spec import load_spec, parse_argument_list

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SPEC = """kernel_name = "k"
kernel_source = "k.cu"
problem_size = {problem_size}
restrictions = {restrictions}
grid_div_x = {grid_div}
smem_size = {smem}
[constants]
n = {constant}
[tune_params]
block_size_x = {block}
[[arguments]]
type = {kind}
dtype = {dtype}
{size_key} = {size}
fill = {fill}
"""
NUMBERS = st.one_of(st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True))
EXPRESSIONS = st.one_of(st.sampled_from(["n", "n * 2", "block_size_x", "n // 0", "2 ** 5000", "-n", "n / 3",
                                         "'a' * n", "1 << 70", "min(n)", "block_size_x +", "x"]),
                        st.text(alphabet=string.printable, max_size=12))
DTYPES = st.one_of(st.sampled_from(["float32", "int32", "uint8", "float16", "bool", "complex64", "object", "U4",
                                    "(2,)f4", "V8", "", "int33"]), st.text(max_size=6))


def toml_value(value) -> str:
    """A Python value as TOML (what these tests generate: numbers, strings, bools, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value > 0 else "-inf") if abs(value) == float("inf") \
            else repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) else str(value)


VALUES = st.recursive(st.one_of(NUMBERS, EXPRESSIONS, st.booleans()), lambda inner: st.lists(inner, max_size=3),
                      max_leaves=4)


def only_our_errors(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except FlipflopError as error:
        assert str(error) and "\n" not in str(error).strip(), repr(error)
        return None


@FUZZ
@given(problem_size=VALUES, restrictions=VALUES, grid_div=VALUES, smem=VALUES, constant=VALUES, block=VALUES,
       kind=st.sampled_from(["array", "scalar", "table"]), dtype=DTYPES, size_key=st.sampled_from(["size", "shape",
                                                                                                     "value"]),
       size=VALUES, fill=st.one_of(st.sampled_from(["zeros", "ones", "random", "arange"]), VALUES))
def test_spec_reader(tmp_path, problem_size, restrictions, grid_div, smem, constant, block, kind, dtype, size_key,
                     size, fill):
    (tmp_path / "k.cu").write_text('extern "C" __global__ void k(float *a) {}')
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(problem_size=toml_value(problem_size), restrictions=toml_value(restrictions),
                                grid_div=toml_value(grid_div), smem=toml_value(smem), constant=toml_value(constant),
                                block=toml_value(block), kind=toml_value(kind), dtype=toml_value(dtype),
                                size_key=size_key, size=toml_value(size), fill=toml_value(fill)))
    spec = only_our_errors(load_spec, path)
    if spec is not None:  # a spec that loads gives a space, or one line on why not
        positional, kwargs = spec.positional(), spec.api_kwargs()
        only_our_errors(enumerate_space, positional[4], positional[2], restrictions=kwargs["restrictions"],
                        grid_div_x=kwargs["grid_div_x"], smem_args=kwargs["smem_args"])


@FUZZ
@given(st.binary(max_size=200))
def test_spec_reader_on_bytes(tmp_path, content):
    path = tmp_path / "spec.toml"
    path.write_bytes(content)
    only_our_errors(load_spec, path)


@FUZZ
@given(st.one_of(st.text(max_size=40),
                 st.lists(st.tuples(DTYPES, st.sampled_from(["[", "="]), st.one_of(EXPRESSIONS, NUMBERS.map(str))),
                          max_size=4).map(lambda items: ",".join(f"{d}{sep}{v}{']' if sep == '[' else ''}"
                                                                 for d, sep, v in items))))
def test_args_parser(text):
    arguments = only_our_errors(parse_argument_list, text)
    for arg in arguments or ():
        assert isinstance(arg, (np.ndarray, np.generic))


@FUZZ
@given(st.one_of(st.text(max_size=20), st.lists(st.integers(-2**40, 2**40), max_size=5).map(
    lambda v: ",".join(map(str, v)))))
def test_block_parser(text):
    block = only_our_errors(_ints, text, "--block")
    if block is not None:
        assert 1 <= len(block) <= 3 and min(block) >= 1


ANY = st.recursive(st.one_of(st.none(), st.booleans(), NUMBERS, st.text(max_size=8), st.just(np.zeros(3)),
                             st.just(np.float32(1.5)), st.just(lambda p: p["missing"])),
                   lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner,
                                                                                        max_size=2)),
                   max_leaves=5)


@FUZZ
@given(tune_params=st.one_of(ANY, st.dictionaries(st.sampled_from(["block_size_x", "block_size_y", "t"]),
                                                  st.lists(ANY, max_size=3), max_size=3)),
       problem_size=ANY, restrictions=ANY, grid_div=ANY, names=ANY, smem=ANY, defines=ANY)
def test_api_space_checks(tune_params, problem_size, restrictions, grid_div, names, smem, defines):
    only_our_errors(enumerate_space, tune_params, problem_size, restrictions=restrictions, grid_div_x=grid_div,
                    block_size_names=names, smem_args=smem, defines=defines)


PARAMS = (Param("p0", "u64"), Param("p1", "f32"), Param("p2", "s32"), Param("p3", "b8", array_len=8))


@FUZZ
@given(name=ANY, source=ANY, arguments=st.one_of(ANY, st.lists(ANY, min_size=4, max_size=4)), limits=ANY)
def test_api_argument_checks(name, source, arguments, limits):
    checked = only_our_errors(check_call, name, source, arguments)
    if checked is not None:
        only_our_errors(check_arguments, "k", PARAMS, checked)
    only_our_errors(power_limit_list, resolve_profile("h100-sxm"), limits)


@FUZZ
@given(st.one_of(EXPRESSIONS, st.text(alphabet="0123456789+-*/%<>=!()abn_ .'", max_size=20)))
def test_expression_evaluator(expression):
    only_our_errors(evaluate, expression, {"n": 7, "block_size_x": 32})


@pytest.mark.parametrize("text", ["float32[1e3.5]", "int8=-129", "bool=2", "float32[2**62]", "float64[" + "9" * 30 + "]"])
def test_parser_examples_hypothesis_found_worth_keeping(text):
    assert only_our_errors(parse_argument_list, text) is None
