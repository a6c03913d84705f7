"""The learning club: cycles announced and featured by episodes, participant results,
their pages in the site and the club calendar.

- :mod:`~podpipe.club.cycles`: which cycle an episode announces or features, which is open
- :mod:`~podpipe.club.results`: the results files, loaded and validated
- :mod:`~podpipe.club.editing`: `club add` and the round-trip merge into a results file
- :mod:`~podpipe.club.csv_import`: `club import` from a form export
- :mod:`~podpipe.club.status`: `club status`, and the results that exist on a day
- :mod:`~podpipe.club.calendar`: club.ics
- :mod:`~podpipe.club.pages`: club/index.html and one page per cycle
"""

from podpipe.club.calendar import calendar_text, write_calendar
from podpipe.club.csv_import import CSV_COLUMNS, import_csv, parse_submitted, read_csv
from podpipe.club.cycles import (
    announced_cycle,
    announcing_episodes,
    check_cycles,
    current_cycle,
    cycle_url,
    days_left,
    featured_cycle,
    find_cycle,
    next_cycle,
    timeline,
)
from podpipe.club.editing import ImportReport, add_result
from podpipe.club.pages import write_pages
from podpipe.club.results import (
    MAX_LENGTH,
    MAX_LINKS,
    RESULT_FIELDS,
    Result,
    check_results,
    load_results,
    results_dir,
    results_file,
    url_key,
)
from podpipe.club.status import ClubStatus, as_of, dated_ahead, status

# Where the club's names for these rules lived before: the render-time guard for result
# URLs and the rel of participants' links now live with the other template filters.
from podpipe.templating import UGC_REL as REL
from podpipe.templating import result_url as safe_url

__all__ = [
    "CSV_COLUMNS",
    "MAX_LENGTH",
    "MAX_LINKS",
    "REL",
    "RESULT_FIELDS",
    "ClubStatus",
    "ImportReport",
    "Result",
    "add_result",
    "announced_cycle",
    "announcing_episodes",
    "as_of",
    "calendar_text",
    "check_cycles",
    "check_results",
    "current_cycle",
    "cycle_url",
    "dated_ahead",
    "days_left",
    "featured_cycle",
    "find_cycle",
    "import_csv",
    "load_results",
    "next_cycle",
    "parse_submitted",
    "read_csv",
    "results_dir",
    "results_file",
    "safe_url",
    "status",
    "timeline",
    "url_key",
    "write_calendar",
    "write_pages",
]
