"""The dispatch simulator (ops, `manage.py simulate_dispatch`): a synthetic day of requests
replayed through the real engine with simulated pros, in a transaction rolled back at the end,
to compare wave policies before changing settings.

  world.py    synthetic pros and customers (through the pros services), pros' behaviour
              drawn from their score history or from parameters
  run.py      the event loop on a simulated clock: creations, the engine's due steps, the
              pros' answers; everything through the real services and engine
  report.py   fill rate, time to first accept by lead-time band, proposals per pro (Gini),
              "no longer available" answers
"""

from .report import Report, report_of
from .run import SimulatedRequest, Simulation, simulate
from .world import Behaviour, behaviour_from_history, build_world

__all__ = [
    "Behaviour",
    "Report",
    "SimulatedRequest",
    "Simulation",
    "behaviour_from_history",
    "build_world",
    "report_of",
    "simulate",
]
