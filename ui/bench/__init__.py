"""Benchmarks of the app's own screens and imports (python main.py bench ...); not used by the
app.
"""
