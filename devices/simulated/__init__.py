"""The simulated device, its export files and live pulses, and the demo and synthetic clinics
built from it.
"""
