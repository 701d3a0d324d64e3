"""The community teams' numbers (issue 5): citizens helped and dossiers submitted with their
help, and what became of those dossiers so far, per team and per commune, by ISO week.

* ``periods``: the chosen dates and their ISO weeks (pure);
* ``scope``: which teams a user may see, and which of them the filters select;
* ``report``: the counts, each grouping one aggregate query in the database;
* ``export``: the CSV file of a report.

Only counts leave this package: no citizen's name, phone or dossier code.
"""
