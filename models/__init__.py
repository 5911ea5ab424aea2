"""The Qt-free core of LaserLog: entities, database set-up, migrations and operations.

Nothing in this package imports Qt or pyqtgraph; the GUI and the command line both call the
operations defined here.
"""
