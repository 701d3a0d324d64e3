"""Every read the dossier pages use, by topic; views never build a ``select()``.

* ``dossiers``: one dossier by its code (the public look-up), the citizen's own, its files;
* ``worklist``: the back office's queues and the register (Mẫu 07), keyset-paged;
* ``backoffice``: the back office's choices (procedures, staff to assign, units to forward to);
* ``helping``: what a helper looks up (procedures to start, a citizen, what they filled in);
* ``calendar``: the administrator's calendar overrides.
"""
