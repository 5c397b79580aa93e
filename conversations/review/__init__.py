"""Appraisal (thẩm định) in the chat and appraiser assignments.

Appraisers are assigned to fields (and optionally one board) by Phòng Nội vụ. Once a unit has
submitted, the items of their fields are in their queue (``/review``): one card per item with
the self-score, the declared value, the explanation and the evidence files, and three verdicts —
accept (appraised = self points), set points, or ask for more evidence by a date with a comment.
A request goes to the unit's officers through the outbox; when they reply (an explanation here,
or a new evidence file), the item comes back to the queue.

Appraised and survey points replace self-scores item by item wherever results are computed
(``conversations.assessment.standings``); survey points are imported by
:mod:`conversations.survey_import`. After the period is published nothing here writes.
"""
