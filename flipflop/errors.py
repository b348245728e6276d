"""The project's own exception types: each carries a one-line message for the user."""


class FlipflopError(Exception):
    """Base class: an expected failure with a one-line, user-facing message."""


class CompileError(FlipflopError):
    """NVRTC or ptxas rejected the source; the message names the source line."""


class PtxParseError(FlipflopError):
    """PTX text that does not parse; the message starts with the line number."""

    def __init__(self, line: int, message: str):
        super().__init__(f"PTX line {line}: {message}")
        self.line = line


class UnknownKernelError(FlipflopError):
    """The kernel name is not an entry of the compiled module."""


class ProfileNotFoundError(FlipflopError):
    """No GPU profile of that name or path."""


class ConfigurationError(FlipflopError):
    """A tuning specification, argument list or configuration that cannot be used."""


class ArgumentSizeError(ConfigurationError):
    """An argument array smaller than what a launch certainly accesses of it."""


class MeasurementError(FlipflopError):
    """A GPU measurement that could not be taken (no GPU, NVML missing, launch failed)."""
