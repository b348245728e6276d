"""Every third-party corpus kernel in one list, and its cases by split.

    from benchmarks.kernels.corpus.all import corpus, corpus_cases
    kernels = corpus()                  # list[CorpusKernel], HeCBench, cuda-samples, Rodinia
    cases = corpus_cases("heldout")     # the full-size cases of the held-out third

The source modules are imported when `corpus()` is first called (a module that does not
exist yet contributes nothing), so this file imports cleanly whatever part of the corpus is
written.
"""

from __future__ import annotations

import importlib

from benchmarks.kernels.corpus import CorpusKernel, corpus_split
from benchmarks.kernels.suite import Case

# (module, attribute holding a list[CorpusKernel]) in the order the corpus is listed.
_SOURCES = (
    ("benchmarks.kernels.corpus.hecbench", "HECBENCH"),
    ("benchmarks.kernels.corpus.samples_rodinia", "CUDA_SAMPLES"),
    ("benchmarks.kernels.corpus.samples_rodinia", "RODINIA"),
)


def _load(module_name: str, attribute: str) -> list[CorpusKernel]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name == module_name:  # the module is not written yet; any other missing import is a bug
            return []
        raise
    return list(getattr(module, attribute, []))


def corpus() -> list[CorpusKernel]:
    """Every corpus kernel (each once, in source order)."""
    kernels: list[CorpusKernel] = []
    seen: set[str] = set()
    for module_name, attribute in _SOURCES:
        for kernel in _load(module_name, attribute):
            if kernel.case.name not in seen:
                seen.add(kernel.case.name)
                kernels.append(kernel)
    return kernels


def kernel_split(kernel: CorpusKernel) -> str:
    """'dev' or 'heldout': the fixed hash of the case name without its size."""
    return corpus_split(kernel.case.name.split("@")[0])


def corpus_kernels(split: str | None = None) -> list[CorpusKernel]:
    """The corpus kernels of one split ('dev' / 'heldout'; None or 'all': every one)."""
    if split not in (None, "all", "dev", "heldout"):
        raise ValueError(f"split must be dev, heldout or all, not {split!r}")
    return [k for k in corpus() if split in (None, "all") or kernel_split(k) == split]


def corpus_cases(split: str | None = None) -> list[Case]:
    """The full-size cases of one split ('dev' / 'heldout'; None or 'all': every one)."""
    return [k.case for k in corpus_kernels(split)]


def __getattr__(name: str):
    # CORPUS is evaluated on first access, so importing this module never needs the sources.
    if name == "CORPUS":
        return corpus()
    raise AttributeError(name)
