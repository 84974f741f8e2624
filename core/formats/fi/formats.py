"""Finnish writes the day with a point and the month in the partitive: "9. maaliskuuta".

One style for dates and times on every page (issue 22): "9. maaliskuuta 2027", "18.00" and
"9. maaliskuuta 2027 klo 18.00"."""

# Day first, never month first: see core/formats/__init__.py. Read by Django's get_format.
from core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

# Django's Finnish times first (a widget shows 18.00.00), then the other ways people type them.
TIME_INPUT_FORMATS = ["%H.%M.%S", "%H.%M.%S.%f", "%H.%M", "%H:%M:%S", "%H:%M", "%H%M"]

MONTH_DAY_FORMAT = "j. E"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j. E Y \k\l\o H.i"
