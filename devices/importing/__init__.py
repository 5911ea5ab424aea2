"""Device export files: profiles, streaming readers, units and the atomic importer."""
