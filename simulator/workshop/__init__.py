"""Workshop mode: sessions, the results store, the facilitator's board and the report."""
