"""Sending e-mail through the SMTP server of the settings (smtp_host, smtp_port, smtp_starttls,
smtp_user; the password from MANYI_SMTP_PASSWORD): alert e-mails and report subscriptions."""

from __future__ import annotations

import os
import smtplib
from email.message import EmailMessage

from warehouse import settings

FAILURES = (OSError, smtplib.SMTPException)  # what a failed delivery raises


def configured(con) -> bool:
    return bool(settings.value(con, "smtp_host"))


def message(con, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from the settings' sender to `to`."""
    found = EmailMessage()
    found["From"] = settings.value(con, "smtp_from") or f"manyi@{settings.value(con, 'smtp_host')}"
    found["To"] = to
    found["Subject"] = subject
    found.set_content(body)
    return found


def send(con, found: EmailMessage) -> None:
    """Hand one message to the SMTP server; FAILURES when it cannot."""
    with smtplib.SMTP(
        settings.value(con, "smtp_host"), int(settings.value(con, "smtp_port")), timeout=15
    ) as smtp:
        if settings.value(con, "smtp_starttls") == "true":
            smtp.starttls()
        user = settings.value(con, "smtp_user")
        if user:
            smtp.login(user, os.environ.get("MANYI_SMTP_PASSWORD", ""))
        smtp.send_message(found)
