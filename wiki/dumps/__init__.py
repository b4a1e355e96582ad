"""Moving in and out: MediaWiki XML export and import, public dumps, backup and restore."""
