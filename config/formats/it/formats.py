"""Italian formats for dates shown without an explicit format (the back-office's lists and
pages): Django's Italian defaults spell "Sabato 05 Dicembre 2026 14:30", capitalised, where
Italian writes names of days and months in lower case; numbers read as well and scan faster
in a list. Customer pages always give their own format (`core.dates.long_date`)."""

DATE_FORMAT = "d/m/Y"  # 05/12/2026
DATETIME_FORMAT = "d/m/Y H:i"  # 05/12/2026 14:30
