"""Long work that outlives a turn: the ledger, detached workers, recovery, export."""
