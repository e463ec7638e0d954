"""The benchmarks app's models: scheduled speed tests (benchmarks.speed) and the live
testbench (benchmarks.testbench), each defined in its own package."""

from .speed.models import (
    MAX_OUTPUT_TOKENS,
    MAX_SAMPLES_PER_TEST,
    SPEED_SOURCES,
    OutputLimit,
    SampleSource,
    SampleStatusChoices,
    SpeedBreakdown,
    SpeedDaily,
    SpeedFigures,
    SpeedSample,
    SpeedSummary,
    SpeedTarget,
    SpeedTestRun,
    env_var_name_validator,
    validate_endpoint_url,
)
from .testbench.models import (
    TESTBENCH_MAX_MODELS,
    TESTBENCH_MAX_OUTPUT_TOKENS,
    TESTBENCH_MAX_PROMPT_CHARS,
    TESTBENCH_MIN_MODELS,
    TestbenchResult,
    TestbenchRun,
)

__all__ = [
    "MAX_OUTPUT_TOKENS",
    "MAX_SAMPLES_PER_TEST",
    "SPEED_SOURCES",
    "TESTBENCH_MAX_MODELS",
    "TESTBENCH_MAX_OUTPUT_TOKENS",
    "TESTBENCH_MAX_PROMPT_CHARS",
    "TESTBENCH_MIN_MODELS",
    "OutputLimit",
    "SampleSource",
    "SampleStatusChoices",
    "SpeedBreakdown",
    "SpeedDaily",
    "SpeedFigures",
    "SpeedSample",
    "SpeedSummary",
    "SpeedTarget",
    "SpeedTestRun",
    "TestbenchResult",
    "TestbenchRun",
    "env_var_name_validator",
    "validate_endpoint_url",
]
