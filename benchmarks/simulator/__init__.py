"""An OpenAI-compatible chat server whose timing and failures are set per model.

It exists to check the measuring code against known truth: with a real model nobody
knows what the true time to first token was, here it is whatever was configured. Its
figures are always labelled simulated.
"""

from .behaviour import FAULTS, Fault, SimulatedModel
from .server import SimulatorServer, serve_forever

__all__ = ["FAULTS", "Fault", "SimulatedModel", "SimulatorServer", "serve_forever"]
