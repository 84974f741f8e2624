"""Finnish writes the day with a point and the month in the partitive: "9. maaliskuuta"."""

MONTH_DAY_FORMAT = "j. E"
