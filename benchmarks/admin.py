"""The benchmarks app's admin: speed-test targets, runs and samples (benchmarks.speed.admin).
The testbench's runs are readers' own and have no admin."""

from .speed import admin as speed_admin

__all__ = ["speed_admin"]
