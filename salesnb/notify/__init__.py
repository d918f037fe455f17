"""Notifications: the durable outbox and its delivery."""

from .outbox import enqueue

__all__ = ["enqueue"]
