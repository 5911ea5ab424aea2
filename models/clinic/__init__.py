"""The clinic itself: patients, the device register and its upkeep, staff, clinic settings,
stored profiles.
"""
