"""Finnish writes the day with a point and the month in the partitive: "9. maaliskuuta"."""

# Day first, never month first: see core/formats/__init__.py. Read by Django's get_format.
from core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401

MONTH_DAY_FORMAT = "j. E"
