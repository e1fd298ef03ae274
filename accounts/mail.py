from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class ConsoleAndOutboxBackend(ConsoleBackend):
    """Development backend: prints every e-mail and keeps a copy for the /dev/outbox/ page."""

    def send_messages(self, email_messages):
        from accounts.models import OutboxEmail

        sent = super().send_messages(email_messages)
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html = content
            OutboxEmail.objects.create(
                to=", ".join(message.to), subject=message.subject, body=message.body, html_body=html
            )
        return sent
