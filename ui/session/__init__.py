"""The Log session screen and its panels."""
