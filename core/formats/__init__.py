"""The site's own date and time formats where Django's per-language formats differ from what the site writes.

FORMAT_MODULE_PATH in settings points here; every format not set in these modules comes from
Django's own for the language. Templates write dates with the format names (`date:"DATE_FORMAT"`,
`"MONTH_DAY_FORMAT"`), so each language gets its own order and month-name form.
"""

# What a person may type in a date field, in every language: ISO first (the widgets show
# a value in the first format, and the admin's calendar writes it), then day first as in
# Sweden. Never Django's US month first ("%m/%d/%Y" in its sv and en modules): 07/12/2026
# is 7 December. The site's own fields read more (7 dec 2026, 20261207) with
# core.dates.parse_date; these keep every other Django date field day-first too.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-07
    "%d/%m %Y",  # 7/12 2026
    "%d/%m/%Y",  # 7/12/2026
    "%d.%m.%Y",  # 7.12.2026
    "%d-%m-%Y",  # 7-12-2026
]
_TIMES = [" %H:%M:%S", " %H:%M:%S.%f", " %H:%M", " %H.%M", ""]
DATETIME_INPUT_FORMATS = [day + time for day in DATE_INPUT_FORMATS for time in _TIMES]

# What a person may type in a time field: 18:00 as Django reads it, and 18.00 as the site
# writes times ("kl. 18.00") and Finnish does, and 1800. The first is the one a widget shows
# a value in (in the admin too), so each language keeps Django's own first.
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M", "%H.%M.%S", "%H.%M", "%H%M"]
