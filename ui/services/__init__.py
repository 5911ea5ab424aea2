"""What every screen uses and no screen owns: the background-task runner and the message service."""
