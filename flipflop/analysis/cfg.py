"""Control-flow graph of one PTX function: basic blocks, dominators, natural loops.

Blocks start at labels and after branches; a predicated ``bra`` has two successors (target
first, fall-through second). ``ret``/``exit`` end a path (a predicated one falls through).
``brx.idx`` jump tables are taken as falling through (their targets are not followed).
Loops are natural loops of back edges (an edge whose target dominates its source); loops
sharing a header are merged. nvcc's unroll-by-4 main loop and its remainder loop are two
separate loops with their own headers, each found here.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from flipflop.frontend.ir import Function, Instruction, Label


@dataclass(frozen=True)
class BasicBlock:
    index: int
    label: str | None
    instructions: tuple[Instruction, ...]
    successors: tuple[int, ...]
    predecessors: tuple[int, ...]

    @property
    def line(self) -> int:
        return self.instructions[0].line if self.instructions else 0

    @property
    def terminator(self) -> Instruction | None:
        if self.instructions and self.instructions[-1].opcode in ("bra", "ret", "exit"):
            return self.instructions[-1]
        return None


@dataclass(frozen=True)
class Loop:
    index: int
    header: int
    blocks: frozenset[int]
    latches: tuple[int, ...]  # sources of back edges
    parent: int | None  # index of the innermost enclosing loop
    depth: int  # 1 = outermost


@dataclass(frozen=True)
class CFG:
    blocks: tuple[BasicBlock, ...]
    idom: tuple[int | None, ...]
    ipdom: tuple[int | None, ...]  # immediate post-dominator (None: the function's exit)
    loops: tuple[Loop, ...]  # outer loops before inner ones
    back_edges: frozenset[tuple[int, int]]
    order: tuple[int, ...]  # topological order of the graph without back edges

    def innermost_loop(self, block: int) -> Loop | None:
        nest = self.loops_of(block)
        return nest[-1] if nest else None

    def loops_of(self, block: int) -> tuple[Loop, ...]:
        """Loops containing the block, outermost first."""
        cache = self.__dict__.get("_nests")
        if cache is None:
            cache = tuple(tuple(sorted((lp for lp in self.loops if b.index in lp.blocks),
                                       key=lambda lp: lp.depth)) for b in self.blocks)
            object.__setattr__(self, "_nests", cache)
        return cache[block]

    def dominates(self, a: int, b: int) -> bool:
        node: int | None = b
        while node is not None:
            if node == a:
                return True
            parent = self.idom[node]
            node = None if parent == node else parent
        return False

    def postdominates(self, a: int, b: int) -> bool:
        """Every path from ``b`` to the exit passes through ``a``."""
        node: int | None = b
        while node is not None:
            if node == a:
                return True
            node = self.ipdom[node]
        return False

    def exit_edges(self, loop: Loop) -> tuple[tuple[int, int], ...]:
        return tuple((b, s) for b in sorted(loop.blocks) for s in self.blocks[b].successors
                     if s not in loop.blocks)


def _split(function: Function) -> list[tuple[str | None, list[Instruction]]]:
    chunks: list[tuple[str | None, list[Instruction]]] = [(None, [])]
    for stmt in function.body:
        if isinstance(stmt, Label):
            if chunks[-1][1] or chunks[-1][0] is not None:
                chunks.append((stmt.name, []))
            else:
                chunks[-1] = (stmt.name, [])
        elif isinstance(stmt, Instruction):
            chunks[-1][1].append(stmt)
            if stmt.opcode in ("bra", "ret", "exit", "brx"):
                chunks.append((None, []))
    return [c for i, c in enumerate(chunks) if c[1] or c[0] is not None or i == 0]


def build_cfg(function: Function) -> CFG:
    """Basic blocks, immediate dominators and natural loops of ``function``."""
    chunks = _split(function)
    by_label = {label: i for i, (label, _) in enumerate(chunks) if label is not None}
    succs: list[list[int]] = []
    for i, (_, instrs) in enumerate(chunks):
        last = instrs[-1] if instrs else None
        nxt = [i + 1] if i + 1 < len(chunks) else []
        if last is None or last.opcode in ("brx",):
            out = nxt
        elif last.opcode == "bra":
            target = next((o.text for o in last.operands if o.kind in ("label", "symbol")), None)
            tgt = [by_label[target]] if target in by_label else []
            out = tgt + ([n for n in nxt if n not in tgt] if last.predicate else [])
        elif last.opcode in ("ret", "exit"):
            out = nxt if last.predicate else []
        else:
            out = nxt
        succs.append(out)
    preds: list[list[int]] = [[] for _ in chunks]
    for i, out in enumerate(succs):
        for s in out:
            preds[s].append(i)
    blocks = tuple(BasicBlock(i, label, tuple(instrs), tuple(succs[i]), tuple(preds[i]))
                   for i, (label, instrs) in enumerate(chunks))
    idom = _dominators(blocks)
    back = frozenset((b.index, s) for b in blocks for s in b.successors
                     if _dom(idom, s, b.index))
    loops = _natural_loops(blocks, back)
    order = _topological(blocks, back)
    return CFG(blocks, tuple(idom), _postdominators(blocks), loops, back, order)


def _postdominators(blocks: tuple[BasicBlock, ...]) -> tuple[int | None, ...]:
    """Immediate post-dominators: dominators of the reversed graph from a virtual exit."""
    exit_node = len(blocks)
    reversed_blocks = tuple(
        BasicBlock(b.index, None, (), b.predecessors, b.successors or (exit_node,)) for b in blocks
    ) + (BasicBlock(exit_node, None, (), tuple(b.index for b in blocks if not b.successors), ()),)
    # renumber so that the virtual exit is node 0 for the dominator routine
    order = [exit_node] + [b.index for b in blocks]
    position = {node: k for k, node in enumerate(order)}
    renumbered = tuple(
        BasicBlock(position[b.index], None, (), tuple(position[s] for s in b.successors),
                   tuple(position[p] for p in b.predecessors))
        for b in sorted(reversed_blocks, key=lambda blk: position[blk.index]))
    idom = _dominators(renumbered)
    result: list[int | None] = []
    for b in blocks:
        parent = idom[position[b.index]]
        result.append(None if parent is None or order[parent] == exit_node else order[parent])
    return tuple(result)


def _reverse_postorder(blocks: tuple[BasicBlock, ...]) -> list[int]:
    seen: set[int] = set()
    post: list[int] = []
    stack: list[tuple[int, int]] = [(0, 0)]
    seen.add(0)
    while stack:
        node, k = stack[-1]
        succ = blocks[node].successors
        if k < len(succ):
            stack[-1] = (node, k + 1)
            if succ[k] not in seen:
                seen.add(succ[k])
                stack.append((succ[k], 0))
        else:
            post.append(node)
            stack.pop()
    return post[::-1]


def _dominators(blocks: tuple[BasicBlock, ...]) -> list[int | None]:
    """Cooper–Harvey–Kennedy iterative dominators; unreachable blocks get None."""
    rpo = _reverse_postorder(blocks)
    position = {b: i for i, b in enumerate(rpo)}
    idom: list[int | None] = [None] * len(blocks)
    idom[0] = 0
    changed = True
    while changed:
        changed = False
        for b in rpo[1:]:
            candidates = [p for p in blocks[b].predecessors if idom[p] is not None]
            if not candidates:
                continue
            new = candidates[0]
            for p in candidates[1:]:
                a, c = p, new
                while a != c:
                    while position[a] > position[c]:
                        a = idom[a]
                    while position[c] > position[a]:
                        c = idom[c]
                new = a
            if idom[b] != new:
                idom[b] = new
                changed = True
    return idom


def _dom(idom: list[int | None], a: int, b: int) -> bool:
    node: int | None = b
    while node is not None:
        if node == a:
            return True
        parent = idom[node]
        node = None if parent == node else parent
    return False


def _natural_loops(blocks: tuple[BasicBlock, ...], back: frozenset[tuple[int, int]]) -> tuple[Loop, ...]:
    bodies: dict[int, set[int]] = {}
    latches: dict[int, list[int]] = {}
    for src, header in sorted(back):
        body = bodies.setdefault(header, {header})
        latches.setdefault(header, []).append(src)
        work = [src]
        while work:
            node = work.pop()
            if node not in body:
                body.add(node)
                work.extend(blocks[node].predecessors)
    headers = sorted(bodies, key=lambda h: (-len(bodies[h]), h))  # outer (bigger) first
    loops: list[Loop] = []
    for index, header in enumerate(headers):
        parents = [lp for lp in loops if header in lp.blocks]
        parent = max(parents, key=lambda lp: lp.depth) if parents else None
        loops.append(Loop(index, header, frozenset(bodies[header]), tuple(latches[header]),
                          parent.index if parent else None, parent.depth + 1 if parent else 1))
    return tuple(loops)


def _topological(blocks: tuple[BasicBlock, ...], back: frozenset[tuple[int, int]]) -> tuple[int, ...]:
    """Kahn's order without back edges, smallest block index first (keeps nvcc's layout,
    which places a loop's body before the code after it)."""
    indeg = [0] * len(blocks)
    for b in blocks:
        for s in b.successors:
            if (b.index, s) not in back:
                indeg[s] += 1
    ready = [0]
    order: list[int] = []
    done = {0}
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for s in blocks[node].successors:
            if (node, s) in back:
                continue
            indeg[s] -= 1
            if indeg[s] == 0 and s not in done:
                done.add(s)
                heapq.heappush(ready, s)
    return tuple(order)
