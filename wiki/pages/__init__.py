"""Pages and their immutable revisions: saving, rendering, drafts, hiding and deletion."""
