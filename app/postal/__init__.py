"""The public postal service (Decision 45/2016): pickups, returns, item numbers."""
