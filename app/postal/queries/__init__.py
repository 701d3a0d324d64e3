"""What the post office reads, by topic: shipments, slots, the day's round, the agency's side,
cash, printed papers, post offices (administration) and API tokens. Nothing here writes."""
