"""Arabic pages read dates as the Swedish ones do: Django's ar module sets no input formats,
so the project's settings (or Django's US defaults) would apply.

One style for dates and times on every page (issue 22), in Latin digits as everywhere on the
site: "9 مارس 2027" (Django's ar module writes "9 مارس، 2027", the weekday form of the
meeting pages has no comma), "18:00" (24 hours, not "6:00 م") and "9 مارس 2027 الساعة 18:00"
(Django has no ar DATETIME_FORMAT and would write the US "مارس 9, 2027, 6 م")."""

# Day first, never month first: see core/formats/__init__.py. Read by Django's get_format.
from core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS  # noqa: F401

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y الساعة H:i"
