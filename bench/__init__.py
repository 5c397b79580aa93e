"""parbot benchmarks (issue 8): ``python -m bench`` (or ``make bench``).

Every figure is printed as a ratio against a baseline measured in the same run on the same
machine (never an absolute target baked into a unit test):

* ``broadcast`` – 10,000 outbox rows drained through the Bot API emulator's flood control
  (30 msg/s overall, 1 msg/s per chat, time-scaled); rate vs the limit, 429s, lost, duplicated.
* ``updates``   – officers walking through the full stack (emulator + ``serve()``, aiogram) on
  SQLite and PostgreSQL vs a bare aiogram echo bot on the same emulator: updates/s, latency.
* ``ranking``   – ``standings()`` for 5,000 units × 120 items vs one SQL aggregate.
* ``memory``    – resident size of a fresh bot process with 5,000 units loaded.

See ``bench/__main__.py`` for the options and ``bench/RESULTS.md`` for recorded figures.
"""
