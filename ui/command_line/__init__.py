"""The command line: the same operations as the GUI, for IT staff and scripted jobs."""
