"""English pages write "9 March 2027" (British order, as before), not Django's "March 9, 2027"."""

DATE_FORMAT = "j F Y"
MONTH_DAY_FORMAT = "j F"
