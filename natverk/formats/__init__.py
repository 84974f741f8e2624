"""The site's own date formats where Django's per-language formats differ from what the site writes.

FORMAT_MODULE_PATH in settings points here; every format not set in these modules comes from
Django's own for the language. Templates write dates with the format names (`date:"DATE_FORMAT"`,
`"MONTH_DAY_FORMAT"`), so each language gets its own order and month-name form.
"""
