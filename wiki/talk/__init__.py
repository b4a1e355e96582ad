"""Talk pages: the thread format, topics and replies, and the notifications inbox."""
