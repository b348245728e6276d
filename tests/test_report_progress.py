"""The build progress bar: shown on a terminal, nothing when the output is piped."""
import io

from flipflop.report.progress import VariantProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_shows_compiling_and_analysing_n_of_m_variants():
    stream = Terminal()
    with VariantProgress(stream) as progress:
        progress.update("compiling", 0, 51)
        progress.update("analysing", 7, 51)
    text = stream.getvalue()
    assert "compiling and analysing" in text and "51" in text and "variants" in text


def test_a_pipe_gets_nothing():
    stream = io.StringIO()
    with VariantProgress(stream) as progress:
        progress.update("compiling", 0, 51)
        progress.update("analysing", 51, 51)
    assert stream.getvalue() == ""
