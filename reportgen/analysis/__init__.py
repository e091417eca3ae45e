"""Stage 2: analysis — what the paper says, computed from the model.

``figures`` (pandas: percentages, status counts, themes), ``progress`` (changes since
the last paper), ``spc`` (Making Data Count XmR charts), ``charts`` and ``icons``
(drawn with matplotlib and as SVG), ``appended`` (other PDFs appended to the paper).
"""
