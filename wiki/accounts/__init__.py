"""Accounts, rights, the permission gate, protection, blocks, rate limits and mail."""
