"""Scheduled speed tests: targets, runs, samples, aggregates, and their pages' sections."""
