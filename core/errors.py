"""The one error a workflow raises when it refuses a step."""


class DomainError(Exception):
    """A refused workflow step; the message is translated and safe to show to the user."""
