"""flipflop: predict a CUDA kernel's time, power and energy for every block shape and power
limit from its PTX, and recommend the Pareto-optimal configurations.

Kernel Tuner users switch ``kernel_tuner.tune_kernel(`` to ``flipflop.predict(``.
"""
# The subpackage flipflop.measure and the module flipflop.features share their names with
# public functions: load them first, so later imports of their submodules find them in
# sys.modules and leave the function bindings below in place. Import their contents with
# ``from flipflop.measure import x`` or ``from flipflop.measure.x import y``; the form
# ``import flipflop.measure.x as y`` resolves through the attribute, which is the function.
import flipflop.features as _features_module  # noqa: F401
import flipflop.measure as _measure_package  # noqa: F401
from flipflop.api import PredictionResults, measure, predict, recommend, validate
from flipflop.features import features

__all__ = ["PredictionResults", "features", "measure", "predict", "recommend", "validate"]
__version__ = "0.1.0"
