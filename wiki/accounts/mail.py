"""Outgoing e-mail. With ``WIKI_SMTP_URL`` set, messages go to that server; otherwise they are
written to ``<data dir>/outbox/`` as .eml files, so a small wiki without mail still works and
an operator can hand a reset link over by other means."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit


def send(*, to: str, subject: str, body: str, sender: str, smtp_url: str, outbox: Path) -> None:
    """Send one plain-text message (or drop it in the outbox)."""
    msg = EmailMessage()
    msg["To"], msg["From"], msg["Subject"] = to, sender, subject
    msg.set_content(body)
    if not smtp_url:
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{time.time_ns()}.eml").write_bytes(bytes(msg))
        return
    url = urlsplit(smtp_url)
    cls = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with cls(url.hostname or "localhost", url.port or 0, timeout=10) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(msg)
