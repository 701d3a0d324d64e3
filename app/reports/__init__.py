"""The numbers a province is judged by: dossiers by channel, online share, on-time rates.

Pure rules (``periods``, ``rules``) say what a period is and how one dossier counts; the
queries (``queries``) count with SQL aggregates, never a Python loop over dossiers.
"""
