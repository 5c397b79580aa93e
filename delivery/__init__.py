"""Outbound delivery: how a message leaves parbot.

* :mod:`delivery.sender` — the one way out: retries, per-chat turns and the outcome of each
  send, over a :class:`~delivery.sender.Transport` chosen by the runtime;
* :mod:`delivery.pacer` — when each send may start, below Telegram's flood limit;
* :mod:`delivery.http_transport` — the one transport of both runtimes: replies → Bot API calls
  as plain JSON over aiohttp, errors normalised to one ``DeliveryError`` (measured ≈ 5 × cheaper
  per call than python-telegram-bot's httpx client, ≈ 2 × than aiogram's models);
* :mod:`delivery.outbox` — the dispatcher that claims due outbox rows, decodes them with the
  outbox's one codec (:mod:`conversations.reply_json`) and sends them through the sender.

``scheduler`` only decides *when* (it runs the dispatcher's drain on the leader); this package
decides *how*.
"""
