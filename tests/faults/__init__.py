"""Real faults, really injected: kills, a failing Bot API, locks, and two processes on one database.

Each test states the promise it checks and fails when the promise is broken. The figures
(kills, messages sent but not marked, faults injected) are printed: run with `-s` to see them.
"""
