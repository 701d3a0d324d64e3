"""Administration: units, staff accounts and their units, working-calendar overrides."""
