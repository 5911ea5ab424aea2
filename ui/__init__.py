"""The PySide6 GUI. Widgets call operations in models/ through ui.tasks, never SQL."""
