"""CLI predict / recommend from a TOML spec: table, JSON, CSV, plots, errors."""
import csv
import io
import json
import textwrap

from flipflop.cli import create_parser, main, run

KERNEL = """
extern "C" __global__ void copy2d(float *out, const float *in, int width, int height)
{
    int x = blockIdx.x * block_size_x + threadIdx.x;
    int y = blockIdx.y * block_size_y + threadIdx.y;
    if (x < width && y < height) out[y * width + x] = in[x * height + y];
}
"""

SPEC = """
kernel_name = "copy2d"
kernel_source = "copy2d.cu"
problem_size = ["width", "height"]
restrictions = ["32 <= block_size_x * block_size_y <= 1024"]
power_limits = [400, 700]

[constants]
width = 2048
height = 1024

[tune_params]
block_size_x = [8, 16, 32, 64]
block_size_y = [1, 2, 4, 8, 16, 32]

[[arguments]]
type = "array"
dtype = "float32"
size = "width * height"

[[arguments]]
type = "array"
dtype = "float32"
shape = ["height", "width"]
fill = "random"

[[arguments]]
type = "scalar"
dtype = "int32"
value = "width"

[[arguments]]
type = "scalar"
dtype = "int32"
value = "height"
"""


def spec(tmp_path, text=SPEC):
    (tmp_path / "copy2d.cu").write_text(KERNEL)
    path = tmp_path / "copy2d.toml"
    path.write_text(textwrap.dedent(text))
    return str(path)


def cli(*argv):
    out = io.StringIO()
    code = run(create_parser().parse_args(list(argv)), out)
    return code, out.getvalue()


def test_predict_table_json_csv(tmp_path):
    path = spec(tmp_path)
    json_path, csv_path = tmp_path / "r.json", tmp_path / "r.csv"
    code, text = cli("predict", path, "--json", str(json_path), "--csv", str(csv_path))
    assert code == 0
    assert "★" in text and "energy (J)" in text and "Measurement avoided: 40 configurations not run" in text
    assert "4 configurations dropped: 4 × excluded by restrictions" in text
    data = json.loads(json_path.read_text())
    assert len(data["results"]) == 40 and data["metadata"]["power_limits_w"] == [400.0, 700.0]
    assert data["measurement_avoided"]["configurations"] == 40
    rows = list(csv.DictReader(csv_path.open()))
    assert len(rows) == 40 and rows[0]["block_size_x"] == "8"


def test_predict_json_to_stdout_only(tmp_path, capsys):
    code, text = cli("predict", spec(tmp_path), "--json", "-", "--power-limits", "700")
    assert code == 0 and text == ""
    data = json.loads(capsys.readouterr().out)
    assert {r["power_limit"] for r in data["results"]} == {700.0}


def test_recommend_panels_and_plots(tmp_path):
    png, page = tmp_path / "p.png", tmp_path / "p.html"
    code, text = cli("recommend", spec(tmp_path), "--plot", str(png))
    assert code == 0
    for title in ("Energy-optimal", "Balanced", "Time-optimal", "Baseline: occupancy heuristic",
                  "Baseline: fixed 256 threads", "Predicted savings"):
        assert title in text
    assert png.read_bytes()[:4] == b"\x89PNG" and (tmp_path / "p-heatmap.png").is_file()
    code, _ = cli("recommend", spec(tmp_path), "--plot", str(page), "--json", str(tmp_path / "rec.json"))
    html = page.read_text()
    assert html.count("data:image/png;base64,") == 2 and "Pareto set" in html
    assert "<h3>Energy-optimal: block_size_x=" in html
    rec = json.loads((tmp_path / "rec.json").read_text())
    assert rec["fixed_256_baseline"]["params"] == {"block_size_x": 16, "block_size_y": 16}


def test_spec_with_no_launchable_configuration(tmp_path, capsys):
    path = spec(tmp_path, SPEC.replace('restrictions = ["32 <= block_size_x * block_size_y <= 1024"]',
                                       'restrictions = ["block_size_x * block_size_y > 1024"]')
                .replace("block_size_y = [1, 2, 4, 8, 16, 32]", "block_size_y = [32]"))
    assert main(["predict", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no launchable configuration on h100-sxm") and err.count("\n") == 1


def test_features_json_with_kernel_tuner_defines(tmp_path):
    (tmp_path / "copy2d.cu").write_text(KERNEL)
    code, text = cli("features", "copy2d", str(tmp_path / "copy2d.cu"), "--block", "32,8", "--problem-size",
                     "2048,1024", "--args", "float32[2097152],float32[2097152],int32=2048,int32=1024", "--json")
    facts = json.loads(text)
    assert code == 0 and facts["kernel"] == "copy2d" and facts["block"] == [32, 8, 1]
    assert facts["grid"] == [64, 128, 1]
    loads = [a for a in facts["accesses"] if a["op"] == "load"]
    assert loads[0]["stride_bytes"]["x"] == 4 * 1024  # in[x * height + y]: transposed read


def test_features_needs_arguments(tmp_path, capsys):
    (tmp_path / "copy2d.cu").write_text(KERNEL)
    assert main(["features", "copy2d", str(tmp_path / "copy2d.cu")]) == 2
    assert "features needs the kernel's arguments" in capsys.readouterr().err


def test_unknown_kernel_and_wrong_argument_count_are_one_line(tmp_path, capsys):
    assert main(["predict", spec(tmp_path, SPEC.replace('kernel_name = "copy2d"', 'kernel_name = "nope"'))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nope" in err and err.count("\n") == 1
    last_argument = SPEC.rindex("[[arguments]]")
    assert main(["predict", spec(tmp_path, SPEC[:last_argument])]) == 2
    assert capsys.readouterr().err == "error: kernel copy2d takes 4 arguments, got 3\n"


def test_predict_from_flags_without_a_spec(tmp_path):
    (tmp_path / "copy2d.cu").write_text(KERNEL)
    code, text = cli("predict", "--kernel", "copy2d", "--source", str(tmp_path / "copy2d.cu"),
                     "--problem-size", "512,256", "--tune", "block_size_x=16,32", "--tune", "block_size_y=4,8",
                     "--args", "float32[131072],float32[131072],int32=512,int32=256",
                     "--restriction", "block_size_x*block_size_y>=128", "--json", str(tmp_path / "r.json"))
    assert code == 0
    rows = json.loads((tmp_path / "r.json").read_text())["results"]
    assert [(r["block_size_x"], r["block_size_y"]) for r in rows] == [(16, 8), (32, 4), (32, 8)]


def test_flags_override_a_spec_and_missing_flags_are_named(tmp_path, capsys):
    code, _ = cli("predict", spec(tmp_path), "--tune", "block_size_x=32", "--tune", "block_size_y=8",
                  "--json", str(tmp_path / "r.json"))
    rows = json.loads((tmp_path / "r.json").read_text())["results"]
    assert code == 0 and [(r["block_size_x"], r["block_size_y"], r["power_limit"]) for r in rows] == [
        (32, 8, 400.0), (32, 8, 700.0)]
    assert main(["predict", "--kernel", "copy2d"]) == 2
    assert capsys.readouterr().err == "error: without a spec file, give --source, --problem-size, --tune, --args\n"


def test_measure_writes_a_kernel_tuner_cache(tmp_path, monkeypatch):
    from flipflop.measure import launcher, nvml

    def measure_configs(kernel_name, kernel_source, arguments, configs, **kwargs):
        return [{**c, "measured_time": 0.5, "measured_power": 250.0, "measured_energy": 0.125, "status": "ok"}
                for c in configs]

    monkeypatch.setattr(launcher, "measure_configs", measure_configs)
    monkeypatch.setattr(nvml, "NvmlMonitor", lambda: nvml.FakeNvml(name="NVIDIA H100 80GB HBM3"))
    code, text = cli("measure", spec(tmp_path), "--top-k", "3", "--kt-cache", str(tmp_path / "kt"))
    assert code == 0 and "wrote" in text
    cache = (tmp_path / "kt.json").read_text()
    assert '"device_name": "NVIDIA H100 80GB HBM3"' in cache and cache.count('"nvml_energy"') == 3


def test_what_the_analysis_estimated_is_printed_and_in_the_json(tmp_path):
    (tmp_path / "collatz.cu").write_text("""
extern "C" __global__ void collatz(int *out, int n)
{
    int i = blockIdx.x * block_size_x + threadIdx.x;
    if (i >= n) return;
    long long x = i + 1; int steps = 0;
    while (x != 1) { x = (x & 1) ? 3 * x + 1 : x / 2; steps++; }
    out[i] = steps;
}
""")
    code, text = cli("predict", "--kernel", "collatz", "--source", str(tmp_path / "collatz.cu"),
                     "--problem-size", "4096", "--tune", "block_size_x=64,128", "--args", "int32[4096],int32=4096",
                     "--json", str(tmp_path / "r.json"))
    assert code == 0
    notes = json.loads((tmp_path / "r.json").read_text())["metadata"]["analysis_notes"]
    # The loop's count, and the `x & 1` branch inside it, on a value the loop computes.
    assert len(notes) == 2 and "trip count unknown, counted once" in notes[1]
    assert notes[0].startswith("branch at PTX line") and "each side taken half the time" in notes[0]
    assert "estimated: loop at PTX line" in text
