"""Swedish input is day first: Django's sv module reads 07/12/2026 as 12 July (US order).

One style for dates and times on every page (issue 22): "9 mars 2027", "18.00" and
"9 mars 2027 kl. 18.00", as the meeting pages write them (core/templatetags/natverk_tags.py
builds "tisdag 9 mars 2027 kl. 18.00" from these)."""

# Day first, never month first: see core/formats/__init__.py. Read by Django's get_format.
from core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS  # noqa: F401

TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j F Y \k\l. H.i"
