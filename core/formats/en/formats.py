"""English pages write "9 March 2027" (British order, as before), not Django's "March 9, 2027",
and read 07/12/2026 as 7 December (Django's en module reads it as 12 July).

One style for dates and times on every page (issue 22): "9 March 2027", "18:00" (24 hours)
and "9 March 2027 at 18:00", never Django's "March 9, 2027, 6 p.m."."""

# Day first, never month first: see core/formats/__init__.py. Read by Django's get_format.
from core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS  # noqa: F401

DATE_FORMAT = "j F Y"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j F Y \a\t H:i"
