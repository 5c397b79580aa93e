"""The pure PAR-index domain: catalog, answers, scoring, classification and ranking.

Framework-free on purpose: no Telegram, no database sessions, so every rule can be tested with plain
values and reused by the chat, the CLI and the exports alike.
"""
