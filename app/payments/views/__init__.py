"""The payments domain's pages, by audience."""
