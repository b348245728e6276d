"""Performance and power models: occupancy, memory traffic, and the coupled predictor."""
from flipflop.model.occupancy import Occupancy, occupancy
from flipflop.model.predict import Prediction, Reasons, predict_launches

__all__ = ["Occupancy", "occupancy", "Prediction", "Reasons", "predict_launches"]
