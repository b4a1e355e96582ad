"""Links between pages: link and category tables, redirects, moves and the reports."""
