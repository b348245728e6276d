"""CLI without a kernel analysis: gpus, and one-line errors for malformed specs."""
import io
import json
import textwrap

import pytest

from flipflop.cli import create_parser, main, run


def cli(*argv):
    out = io.StringIO()
    code = run(create_parser().parse_args(list(argv)), out)
    return code, out.getvalue()


def test_gpus_table_lists_every_profile():
    code, text = cli("gpus")
    assert code == 0
    for name in ("h100-sxm", "h200-sxm", "a100-sxm", "l4", "rtx-3070", "rtx-4090", "rtx-5000-ada"):
        assert name in text


def test_gpus_json():
    code, text = cli("gpus", "--json")
    rows = json.loads(text)
    assert code == 0 and {r["name"] for r in rows} >= {"h100-sxm", "l4"}
    assert next(r for r in rows if r["name"] == "h100-sxm")["sm_count"] == 132


SPEC = """
kernel_name = "vector_add"
kernel_source = "k.cu"
problem_size = 4096
[tune_params]
block_size_x = [128, 256]
[[arguments]]
type = "array"
dtype = "float32"
size = 4096
"""


def write_spec(tmp_path, text):
    (tmp_path / "k.cu").write_text('extern "C" __global__ void vector_add(float *a) {}\n')
    path = tmp_path / "spec.toml"
    path.write_text(textwrap.dedent(text))
    return str(path)


@pytest.mark.parametrize("change,message", [
    (lambda s: s.replace('kernel_name = "vector_add"\n', ""), "error: spec: missing key 'kernel_name' (a string)"),
    (lambda s: "colour = 3\n" + s, "error: spec: unknown key 'colour'"),
    (lambda s: s + "colour = 3\n", "error: spec: arguments[0]: unknown key 'colour'"),
    (lambda s: s.replace('"k.cu"', '"missing.cu"'), "does not exist"),
    (lambda s: s.replace("block_size_x = [128, 256]", "block_size_x = 128"),
     "error: spec: tune_params.block_size_x must be a non-empty list"),
    (lambda s: s.replace('dtype = "float32"', 'dtype = "floaty"'), "arguments[0].dtype 'floaty' is not a numpy dtype"),
    (lambda s: s.replace("\nsize = 4096", '\nsize = "n * 2"'), "arguments[0].size: bad expression 'n * 2': unknown name 'n'"),
    (lambda s: s + "[broken\n", "is not valid TOML"),
])
def test_malformed_spec_is_one_line_error_exit_2(tmp_path, capsys, change, message):
    path = write_spec(tmp_path, change(SPEC))
    assert main(["predict", path]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("error: ")


def test_bad_power_limits_flag(tmp_path, capsys):
    path = write_spec(tmp_path, SPEC)
    assert main(["predict", path, "--power-limits", "lots"]) == 2
    assert "--power-limits 'lots'" in capsys.readouterr().err


def test_unknown_gpu(tmp_path, capsys):
    path = write_spec(tmp_path, SPEC)
    assert main(["predict", path, "--gpu", "voodoo-5"]) == 2
    assert "no GPU profile 'voodoo-5'" in capsys.readouterr().err
