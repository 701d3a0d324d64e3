"""The dossier pages by audience: ``journey.py`` (a draft's steps, its papers, submitting),
``citizen.py`` (the dossier page, its files, forms and result, "Hồ sơ của tôi"), ``staff.py``
(the back office) and ``admin.py`` (the calendar overrides)."""
