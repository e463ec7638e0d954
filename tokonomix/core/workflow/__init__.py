"""The review workflow every piece of reviewed content goes through (app label `workflow`)."""
