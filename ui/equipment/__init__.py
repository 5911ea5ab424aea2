"""Devices on screen: registering one, its checks, imports from its files, a live connection."""
