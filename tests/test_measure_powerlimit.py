"""The power-limit guard restores the original limit on every exit path (against FakeNvml)."""

import os
import signal

import pytest

from flipflop.errors import MeasurementError
from flipflop.measure.powerlimit import power_limit
from flipflop.measure.nvml import FakeNvml


def test_normal_exit_restores_the_original_limit():
    fake = FakeNvml(power_limit_w=700.0)
    with power_limit(fake, 350.0) as held_w:
        assert held_w == 350.0
        assert fake.power_limit_w() == 350.0
    assert fake.power_limit_w() == 700.0
    assert fake.set_calls == [350.0, 700.0]


def test_exception_restores_and_propagates():
    fake = FakeNvml(power_limit_w=650.0)
    with pytest.raises(RuntimeError, match="kernel failed"):
        with power_limit(fake, 300.0):
            raise RuntimeError("kernel failed")
    assert fake.power_limit_w() == 650.0


def test_keyboard_interrupt_restores_and_propagates():
    fake = FakeNvml(power_limit_w=700.0)
    with pytest.raises(KeyboardInterrupt):
        with power_limit(fake, 250.0):
            raise KeyboardInterrupt
    assert fake.power_limit_w() == 700.0


def test_sigterm_restores_and_exits():
    fake = FakeNvml(power_limit_w=700.0)
    handler_before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as exit_info:
        with power_limit(fake, 400.0):
            os.kill(os.getpid(), signal.SIGTERM)
    assert exit_info.value.code == 128 + signal.SIGTERM
    assert fake.power_limit_w() == 700.0
    assert signal.getsignal(signal.SIGTERM) is handler_before


def test_out_of_range_limit_is_refused_and_nothing_is_set():
    fake = FakeNvml(power_limit_w=700.0, power_limit_range_w=(200.0, 700.0))
    with pytest.raises(MeasurementError, match="outside the settable range 200–700 W"):
        with power_limit(fake, 900.0):
            pass
    assert fake.set_calls == []
