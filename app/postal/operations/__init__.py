"""Everything the post office writes, by topic. Each operation checks the rules, flushes only
(the request, or the CLI, commits once) and refuses with a DomainError (app/postal/errors.py,
and app/postal/flow.py IllegalStep).

- :mod:`.booking`: the citizen's home pickup (book, move, cancel, remind) and the dossier's
  signals that concern it; :mod:`.slots`: an office's timetable (weekly windows, closed days,
  dated slots);
- :mod:`.steps`: what every step of a leg goes through (the state machine, a guarded UPDATE,
  the dossier's log), hand-over records and item numbers;
- :mod:`.pickup`: leg A, the papers to the agency (collect, dispatch, the officer's check);
- :mod:`.handover`: leg B starts, the results handed to the post; :mod:`.delivery`: leg B at
  the citizen's door (out, delivered, failed, held, returned);
- :mod:`.cash`: the receipts for what a worker took; :mod:`.counter`: applying at the counter;
- :mod:`.offices` and :mod:`.tokens`: the administration of post offices and their API tokens.
"""
