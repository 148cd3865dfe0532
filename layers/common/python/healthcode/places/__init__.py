"""Places people administer and bind to: venues, organizations and community grids (guide 四)."""
