"""Russian dates with the month in the genitive: «26 ноября 2026», never «26 Ноябрь».

Django's own Russian formats use the nominative for a day and month (`MONTH_DAY_FORMAT`, e.g. in
the admin's date drill-down) and end full dates with «г.»; the others stay Django's.
"""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
MONTH_DAY_FORMAT = "j E"
