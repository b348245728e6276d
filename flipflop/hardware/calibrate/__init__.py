"""Calibration's pure side: the fit (fit.py) that turns raw micro-benchmark numbers into a
GpuProfile, offline, with ``python -m flipflop.hardware.calibrate.fit``.

The GPU side (micro-benchmarks, runner, `flipflop calibrate`) is `flipflop.measure.calibrate`,
so this stage imports nothing from a later one.
"""
