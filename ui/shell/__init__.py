"""The application shell: start-up, sign-in, the main window, the task runner and messages."""
