"""The administrator's screens: staff, devices and clinic settings."""
