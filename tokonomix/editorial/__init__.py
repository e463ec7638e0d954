"""Everything a reviewer signs off: model profiles, use cases, verdicts and evaluation
scores, the drafts a price sync opens, and the evidence pinned at their approval."""
