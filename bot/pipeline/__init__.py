"""How updates get from Telegram to the handlers without being lost to a crash.

`inbox.Inbox` stores each batch before Telegram is told it arrived and marks updates
handled; `polling.Poller` is the getUpdates loop that confirms a batch only after that.
"""
