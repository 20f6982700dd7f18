"""The parts of the property-based test in tests/telegram/test_fuzz.py: what it generates
(strategies) and the world it plays scripts in (world)."""
