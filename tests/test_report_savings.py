"""Measurement-avoided accounting: exact arithmetic of the documented protocol."""
from flipflop.report.savings import measurement_avoided


def test_two_configurations():
    m = measurement_avoided([1.0, 1000.0], [300.0, 500.0], idle_power_w=100.0, grid_intensity_g_per_kwh=360.0)
    # config 1: 0.2 s compile at 100 W; 8 launches of 1 ms + 0.6 s window at 300 W
    # config 2: 0.2 s compile at 100 W; 8 launches of 1 s + 1 s window (longer than 0.6 s) at 500 W
    seconds = 0.2 + 0.008 + 0.6 + 0.2 + 8 + 1.0
    energy = 20 + 0.608 * 300 + 20 + 9.0 * 500
    assert m.configurations == 2
    assert abs(m.gpu_minutes - seconds / 60) < 1e-9
    assert abs(m.energy_j - energy) < 1e-6
    assert abs(m.co2_g - energy / 3.6e6 * 360) < 1e-9
