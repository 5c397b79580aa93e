"""The file formats parbot writes and reads, behind the core's small interfaces.

The conversation core builds plain data (rows of cells, chart series, texts) and hands it to the
interfaces it declares (``SheetWriter``, ``ChartRenderer``, ``SignatureChecker``,
``DocumentReader``); the implementations here are the only code that imports openpyxl,
matplotlib, pyhanko or python-docx. The composition root (``bot``) passes them in.
"""
