"""Plain values: vocabularies, parameter ranges, what a technician enters and the rows handed
out.
"""
