"""Messages to citizens (SMS and e-mail) through an outbox: queued with the action, sent later."""
