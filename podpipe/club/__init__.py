"""The learning club: cycles announced and featured by episodes, participant results,
their pages in the site and the club calendar.

- :mod:`~podpipe.club.cycles`: which cycle an episode announces or features, which is open
- :mod:`~podpipe.club.results`: the results files, loaded and validated
- :mod:`~podpipe.club.editing`: `club add` and the round-trip merge into a results file
- :mod:`~podpipe.club.csv_import`: `club import` from a form export
- :mod:`~podpipe.club.issues`: the GitHub issue form's fields, `club import-issues`
- :mod:`~podpipe.club.status`: `club status`, and the results that exist on a day
- :mod:`~podpipe.club.calendar`: club.ics
- :mod:`~podpipe.club.people`: participants merged across cycles, people.yaml, badges
- :mod:`~podpipe.club.pages`: club/index.html and one page per cycle
"""

from podpipe.club.calendar import calendar_text, write_calendar
from podpipe.club.csv_import import CSV_COLUMNS, import_csv, parse_submitted, read_csv
from podpipe.club.cycles import (
    announced_cycle,
    announcing_episodes,
    check_cycles,
    current_cycle,
    days_left,
    featured_cycle,
    find_cycle,
    next_cycle,
    open_or_next,
    timeline,
)
from podpipe.club.editing import ImportReport, add_result
from podpipe.club.issues import (
    ISSUE_FIELDS,
    ISSUE_LABEL,
    IssuesReport,
    import_issues,
    parse_issue_body,
)
from podpipe.club.loading import EPISODE_REFERENCE_KEYS, load_for_club
from podpipe.club.people import (
    Badge,
    DirectoryEntry,
    Entry,
    Participant,
    by_result,
    check_people,
    featured_people,
    index_order,
    leaderboard,
    load_directory,
    participants,
    people_file,
    people_of,
)
from podpipe.club.results import (
    MAX_LENGTH,
    MAX_LINKS,
    RESULT_FIELDS,
    Result,
    check_results,
    from_participants,
    load_results,
    results_dir,
    results_file,
    url_key,
)
from podpipe.club.status import ClubStatus, as_of, dated_ahead, status

__all__ = [
    "ISSUE_FIELDS",
    "ISSUE_LABEL",
    "IssuesReport",
    "import_issues",
    "parse_issue_body",
    "Badge",
    "DirectoryEntry",
    "Entry",
    "Participant",
    "by_result",
    "check_people",
    "featured_people",
    "index_order",
    "leaderboard",
    "load_directory",
    "participants",
    "people_file",
    "people_of",
    "EPISODE_REFERENCE_KEYS",
    "CSV_COLUMNS",
    "MAX_LENGTH",
    "MAX_LINKS",
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
    "from_participants",
    "current_cycle",
    "dated_ahead",
    "days_left",
    "featured_cycle",
    "find_cycle",
    "import_csv",
    "load_for_club",
    "load_results",
    "next_cycle",
    "open_or_next",
    "parse_submitted",
    "read_csv",
    "results_dir",
    "results_file",
    "status",
    "timeline",
    "url_key",
    "write_calendar",
]
