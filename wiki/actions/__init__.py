"""One path for every change: a function per write verb, whatever channel asks for it.

The edit form, the REST API, talk forms and (later) the bot API and imports all call these
functions; none of them calls a storage verb (``revisions.save``, ``posting.add_topic``,
``moves.move``, ``reverts.rollback`` …) itself. Every action takes an :class:`Actor` (account or
IP, groups, channel) and the request's data, and runs the same steps in the same order:

1. the rate limit (``Env.limit``);
2. one permission gate, ``wiki.accounts.permissions.require`` (rights, blocks, protection),
   inside the change's transaction;
3. the abuse rules, wherever text is written: the storage verb hands them the exact text it is
   about to save (``revisions.Screen``), after merging, section placement and talk signing;
4. the change itself, in one transaction;
5. what follows it, in the same transaction (recent change, tags, watchers, notifications,
   scoring: ``edits.recorded``; the editor's watch, request tags, auto-revert and drafts:
   :func:`wiki.actions.editing.follow`), then, after the commit, the cache invalidation
   (``Env.changed``).

Each action returns a result or raises a ``wiki.errors.WikiError``; no HTTP type crosses in.
"""
