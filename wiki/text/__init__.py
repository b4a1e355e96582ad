"""Pure text rules: titles, Markdown rendering, sections, diffs and the three-way merge.

Nothing here touches the database or the network."""
