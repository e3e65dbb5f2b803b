"""Provider adapters of the outbox, one module per channel (docs/NOTIFICATIONS.md).

Each adapter is a :class:`base.Provider`: ``send(message, address) -> Sent`` or raises
:class:`base.ProviderError` (``retryable`` or not). :func:`registry.provider_for` gives the
configured adapter of a channel, or None when the channel is not configured here.
"""
