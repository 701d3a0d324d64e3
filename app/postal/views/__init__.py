"""Views, by audience: the citizen booking a pickup (citizen.py), the post office's staff (the
``postal`` blueprint: staff.py for the day, staff_items.py, staff_papers.py, staff_handover.py,
staff_cash.py), the counter (counter.py), the one-stop officer (officer.py), the administrator
(admin.py); printing.py is the PDF-or-try-again answer they share."""
