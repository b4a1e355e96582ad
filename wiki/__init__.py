"""Gotong: a collaborative wiki knowledge base."""

__version__ = "0.1.0"
