"""Every write to a dossier, by topic. Operations check the rules, flush only (the request or
the CLI commits) and refuse with a :class:`~app.core.errors.DomainError`.

* ``drafts``: starting a draft and saving each step of the journey;
* ``attachments``: the files of a dossier (checked, stored, removed);
* ``submitting``: what a draft still lacks, its code, submitting it;
* ``transitions``: how every workflow action moves a dossier (the guarded update, the event,
  the citizen's message); ``intake`` and ``processing``: the actions themselves;
  ``officer``: an officer's action taken from the back office's forms;
* ``read_log``: who read a dossier, who downloaded its result;
* ``retention``: forgotten drafts purged; ``calendar``: the administrator's calendar overrides.
"""
