"""flipflop: predict a CUDA kernel's time, power and energy for every block shape and power
limit from its PTX, and recommend the Pareto-optimal configurations.

Kernel Tuner users switch ``kernel_tuner.tune_kernel(`` to ``flipflop.predict(``.
"""
from flipflop.api import PredictionResults, measure, predict, recommend, validate

__all__ = ["PredictionResults", "measure", "predict", "recommend", "validate"]
__version__ = "0.1.0"
