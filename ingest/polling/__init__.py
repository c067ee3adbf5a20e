"""Polling live providers: request budgets, the polling schedule, and snapshot diffing into contract messages."""
