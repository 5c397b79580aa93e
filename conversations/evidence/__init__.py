"""Evidence files (tài liệu kiểm chứng) arriving in the chat, listed, sent back, removed, exported.

Which item a file belongs to: the code at the start of the caption ("1.2.3 Kế hoạch…") wherever
the officer is, else the item whose card is open; otherwise the officer is asked (the checked
file waits in the conversation state, its content already in the store). Size is checked from
the update before anything is downloaded (bots cannot download over 20 MB); the content is
checked as an appraiser would (:mod:`conversations.evidence_check`), then stored once by its
SHA-256 (:class:`storage.files.EvidenceStore`) and recorded per item.

Albums: Telegram sends each file of an album as its own update. The album is kept in the state
(``ev_album``) and its one confirmation is a message queued in the outbox a few seconds ahead;
every further file of the album rewrites that queued message, so the officer gets one reply
listing all of them. A file arriving after the reply went out gets its own reply: nothing is
lost even when downloads are slow.

Buttons carry only short ids (``ev:d:<evidence id>``); each press re-reads the row and checks the
person's roles in the database, so a forged button for another unit's file does nothing.
"""
