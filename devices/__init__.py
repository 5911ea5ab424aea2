"""Device-adapter layer: turns what a device shows or exports into parameter records.

Adapters only read. Nothing here sends anything to a device, and nothing imports Qt.
"""
