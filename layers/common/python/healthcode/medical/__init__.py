"""Medical staff: role grants from table 4-1 and release-from-observation e-notices."""
