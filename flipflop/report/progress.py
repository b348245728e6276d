"""A progress bar for long builds: "compiling and analysing N of M variants", on a terminal only."""
from __future__ import annotations

import sys
from typing import Any, TextIO

PHASES = {"compiling": "compiling (NVRTC)", "assembling": "assembling (ptxas)", "analysing": "analysing"}


class VariantProgress:
    """A rich progress bar on ``stream`` (stderr by default) while variants are built.

    Used as a context manager; it shows nothing when the stream is not a terminal (piped
    output and logs stay as they were) and appears only once ``update`` is first called, so
    a fully cached run prints nothing either.
    """

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> VariantProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def update(self, phase: str, done: int, total: int) -> None:
        """Show ``done`` of ``total`` variants through ``phase`` (a key of ``PHASES``)."""
        if not self.enabled:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("compiling and analysing"), MofNCompleteColumn(),
                                 TextColumn("variants: {task.description}"), BarColumn(), TimeElapsedColumn(),
                                 console=Console(file=self.stream), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(PHASES.get(phase, phase), total=total)
        self._bar.update(self._task, description=PHASES.get(phase, phase), completed=done, total=total)
