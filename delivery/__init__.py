"""Outbound delivery: how a message leaves parbot.

* :mod:`delivery.sender` — the one way out: retries, per-chat turns and the outcome of each
  send, over a :class:`~delivery.sender.Transport` that the runtimes (aiogram,
  python-telegram-bot) implement;
* :mod:`delivery.pacer` — when each send may start, below Telegram's flood limit;
* :mod:`delivery.aiogram_transport`, :mod:`delivery.ptb_transport` — the two transports
  (replies → Bot API calls, errors normalised), chosen by the runtime in ``handlers``;
* :mod:`delivery.outbox` — the dispatcher that claims due outbox rows, decodes them with the
  outbox's one codec (:mod:`conversations.reply_json`) and sends them through the sender.

``scheduler`` only decides *when* (it runs the dispatcher's drain on the leader); this package
decides *how*.
"""
