"""SASS per PTX line (ptxas -lineinfo + nvdisasm) and the warp-level instruction counts built
on it, on NVRTC-compiled kernels."""
import numpy as np
import pytest

from flipflop.analysis.kernel import analyze_kernel
from flipflop.frontend import compile_kernel
from flipflop.frontend.sass import SassLines, annotate_lines, nvdisasm_path, parse_disassembly, sass_line_counts


def test_nvdisasm_comes_with_the_package():
    assert nvdisasm_path() is not None  # the nvidia-cuda-nvdisasm wheel is a dependency

VECTOR_ADD = r'''
extern "C" __global__ void vadd(const float* a, const float* b, float* c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i] + b[i];
}'''

TREE_REDUCE = r'''
extern "C" __global__ void tree(const float* in, float* out, int n) {
  extern __shared__ float s[];
  unsigned tid = threadIdx.x, i = blockIdx.x * blockDim.x + threadIdx.x;
  s[tid] = i < n ? in[i] : 0.f;
  __syncthreads();
  for (unsigned k = 1; k < blockDim.x; k *= 2) {
    if (tid % (2 * k) == 0) s[tid] += s[tid + k];
    __syncthreads();
  }
  if (tid == 0) out[blockIdx.x] = s[0];
}'''



def _lines_of(compiled, opcode: str) -> list[int]:
    return [ins.line for block in analyze_kernel(compiled.module, compiled.function.name).cfg.blocks
            for ins in block.instructions if ins.opcode == opcode]


def test_annotation_names_each_instruction_line_and_keeps_labels_and_directives_bare():
    ptx = ".version 9.0\n.target sm_90\n.address_size 64\n.visible .entry k()\n{\n$L__BB0_1:\n\tret;\n}\n"
    out = annotate_lines(ptx).splitlines()
    assert out[3] == '.file 1 "ptx"'
    assert out[out.index("\tret;") - 1] == "\t.loc 1 7 0"  # ret is line 7 of the original
    assert sum(line.strip().startswith(".loc") for line in out) == 1


def test_disassembly_parsing_drops_the_padding_after_exit():
    listing = """//--------------------- .text.k      --------------------------
.text.k:
\t//## File "ptx", line 7
        /*0000*/                   S2R R0, SR_TID.X ;
        /*0010*/                   EXIT ;
.L_x_0:
        /*0020*/                   BRA `(.L_x_0);
        /*0030*/                   NOP;
"""
    assert parse_disassembly(listing) == {"k": SassLines({7: 2}, {})}


def test_vector_add_lines_map_to_one_load_store_and_add_each_and_cvta_to_nothing():
    compiled = compile_kernel(VECTOR_ADD, "vadd")
    lines = sass_line_counts(compiled.ptx)["vadd"].counts
    assert [lines.get(line, 0) for line in _lines_of(compiled, "cvta")] == [0, 0, 0]
    loads = [ins.line for block in analyze_kernel(compiled.module, "vadd").cfg.blocks for ins in block.instructions
             if ins.opcode == "ld" and "global" in ins.modifiers]
    stores = [ins.line for block in analyze_kernel(compiled.module, "vadd").cfg.blocks for ins in block.instructions
              if ins.opcode == "st" and "global" in ins.modifiers]
    adds = [ins.line for block in analyze_kernel(compiled.module, "vadd").cfg.blocks for ins in block.instructions
            if ins.opcode == "add" and "f32" in ins.modifiers]
    assert [lines[line] for line in loads] == [1, 1] and [lines[line] for line in stores] == [1]
    assert [lines[line] for line in adds] == [1]


def test_a_module_compiled_with_lineinfo_gets_the_same_counts():
    plain = compile_kernel(VECTOR_ADD, "vadd")
    with_lines = compile_kernel(VECTOR_ADD, "vadd", options=("-lineinfo",))
    assert ".loc" in with_lines.ptx
    assert sum(sass_line_counts(with_lines.ptx)["vadd"].counts.values()) == sum(
        sass_line_counts(plain.ptx)["vadd"].counts.values())


def test_warp_counts_follow_the_busiest_lane_and_sass_follows_the_lines():
    compiled = compile_kernel(TREE_REDUCE, "tree")
    analysis = analyze_kernel(compiled.module, "tree")
    n = 1 << 20
    args = [np.zeros(n, np.float32), np.zeros(n // 256, np.float32), np.int32(n)]
    sass = sass_line_counts(compiled.ptx)["tree"]
    f = analysis.evaluate((256, 1, 1), (n // 256, 1, 1), args, compiled.resources, dynamic_shared_bytes=1024,
                          sass_lines=sass)
    # the sum s[tid] += s[tid+k] (two shared loads) runs in a warp while 2k <= 32 (5 of 8 steps),
    # then in 4, 2, 1 of the 8 warps; the final s[0] load in warp 0 only
    assert f.warp_instructions["shared_load"] == pytest.approx(2 * (5 + 4 / 8 + 2 / 8 + 1 / 8) + 1 / 8)
    assert f.instructions["shared_load"] == pytest.approx(2 * 255 / 256 + 1 / 256)
    assert f.warp_instructions["barrier"] == f.instructions["barrier"] == 9
    # with every line executed once per warp the SASS count is the kernel's whole listing
    straight = compile_kernel(VECTOR_ADD, "vadd")
    g = analyze_kernel(straight.module, "vadd").evaluate(
        (256, 1, 1), (4, 1, 1), [np.zeros(1024, np.float32)] * 3 + [np.int32(1024)], straight.resources,
        sass_lines=sass_line_counts(straight.ptx)["vadd"])
    assert g.warp_sass_instructions == sum(sass_line_counts(straight.ptx)["vadd"].counts.values())


def test_without_sass_lines_the_features_carry_none():
    compiled = compile_kernel(VECTOR_ADD, "vadd")
    f = analyze_kernel(compiled.module, "vadd").evaluate(
        (256, 1, 1), (4, 1, 1), [np.zeros(1024, np.float32)] * 3 + [np.int32(1024)], compiled.resources)
    assert f.warp_sass_instructions is None


ROW_SUM = r'''
extern "C" __global__ void rowsum(const float* a, float* out, int cols) {
  float acc = 0.f;
  #pragma unroll 1
  for (int j = 0; j < cols; ++j) acc += a[blockIdx.x * cols + j] * 2.f;
  if (threadIdx.x == 0) out[blockIdx.x] = acc;
}'''


def test_copies_of_a_loop_body_divide_its_lines_and_a_ret_is_one_exit():
    """ptxas's copies of a loop (unrolling, remainder loops) each run a share of the
    iterations: four copies of every loop line count as one; out-of-line code laid after
    the last EXIT lands on the ret line and counts as that one EXIT."""
    compiled = compile_kernel(ROW_SUM, "rowsum")
    analysis = analyze_kernel(compiled.module, "rowsum")
    in_loop = {ins.line for b in analysis.cfg.blocks if analysis.cfg.innermost_loop(b.index)
               for ins in b.instructions}
    ret = next(ins.line for b in analysis.cfg.blocks for ins in b.instructions if ins.opcode == "ret")
    once = SassLines({ins.line: 1 for b in analysis.cfg.blocks for ins in b.instructions})
    copied = SassLines({line: 4 if line in in_loop else 1 for line in once.counts} | {ret: 40})
    args = [np.zeros(64 * 100, np.float32), np.zeros(64, np.float32), np.int32(100)]
    one, four = (analysis.evaluate((32, 1, 1), (64, 1, 1), args, compiled.resources, sass_lines=lines)
                 for lines in (once, copied))
    assert in_loop and four.warp_sass_instructions == pytest.approx(one.warp_sass_instructions)
    assert one.warp_sass_instructions > 100 * len(in_loop) * 0.9  # the loop's 100 iterations dominate


def test_a_body_ptxas_predicates_is_issued_by_every_warp_that_runs_its_branch():
    """ptxas turns the tree reduction's `if (tid % (2k) == 0) s[tid] += s[tid + k]` into
    predicated SASS: every warp issues it in all 8 steps, not only in the 5.875 per warp
    that have an active lane."""
    compiled = compile_kernel(TREE_REDUCE, "tree")
    analysis = analyze_kernel(compiled.module, "tree")
    sass = sass_line_counts(compiled.ptx)["tree"]
    per_block, converted = analysis._sass_per_block(sass)
    body = next(b.index for b in analysis.cfg.blocks if analysis.cfg.innermost_loop(b.index)
                and sum(ins.opcode == "ld" and "shared" in ins.modifiers for ins in b.instructions) == 2)
    guarded_load = next(b.index for b in analysis.cfg.blocks
                        if any(ins.opcode == "ld" and "global" in ins.modifiers for ins in b.instructions))
    # the body, and the `i < n ? in[i] : 0.f` load, which ptxas predicates too
    assert converted == {body: analysis.cfg.blocks[body].predecessors[0],
                         guarded_load: analysis.cfg.blocks[guarded_load].predecessors[0]}
    n = 1 << 20
    args = [np.zeros(n, np.float32), np.zeros(n // 256, np.float32), np.int32(n)]
    launch = lambda lines: analysis.evaluate((256, 1, 1), (n // 256, 1, 1), args, compiled.resources,  # noqa: E731
                                             dynamic_shared_bytes=1024, sass_lines=lines)
    unguarded = SassLines(sass.counts)  # the same code as if it were branched around
    assert launch(sass).warp_sass_instructions - launch(unguarded).warp_sass_instructions == pytest.approx(
        (8 - (5 + 4 / 8 + 2 / 8 + 1 / 8)) * per_block[body])
