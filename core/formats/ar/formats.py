"""Arabic pages read dates as the Swedish ones do: Django's ar module sets no input formats,
so the project's settings (or Django's US defaults) would apply."""

# Day first, never month first: see core/formats/__init__.py. Read by Django's get_format.
from core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS  # noqa: F401
