"""Built-in notifier plugins: one module per channel type, each an ordinary pluggy plugin."""
