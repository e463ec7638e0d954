"""Everything a reviewer signs off. Their tables keep the names they had in the apps they
came from (models_catalog_*, benchmarks_*), so moving them here moved no data."""

from .profiles import FAQ, Illustration, ModelProfile, ProfilePoint, ProfileSection
from .usecases import UseCase, UseCaseEntry
from .verdicts import EvaluationScore, Verdict

__all__ = [
    "FAQ",
    "EvaluationScore",
    "Illustration",
    "ModelProfile",
    "ProfilePoint",
    "ProfileSection",
    "UseCase",
    "UseCaseEntry",
    "Verdict",
]
