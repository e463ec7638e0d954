"""The live testbench: a reader's prompt sent to two to four models at once."""
