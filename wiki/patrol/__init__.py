"""Watching changes: recent changes, watchlists, patrol marks, reverts, logs, feeds,
abuse rules and vandalism scores."""
