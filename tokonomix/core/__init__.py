"""The pieces every app shares, at the bottom of the layers: the review workflow,
Markdown, charts' tables and JSON, CSV downloads, the page cache, rate limits.

Nothing here imports an app of the project (the import contract in `make lint` holds
it): an app that needs to tell core something registers it, at start-up, through the
functions core offers (page-cache dependencies, evidence methods on reviewed models).
"""
