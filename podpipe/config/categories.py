"""Apple Podcasts' category table, and the reading of show.yaml's ``categories``.

A data table: it is as long as Apple's list.
"""

from __future__ import annotations

from podpipe.config.schema import Section, did_you_mean
from podpipe.config.yamlio import line_of
from podpipe.errors import Problem

# Apple Podcasts categories (podcasters.apple.com/support/1691), "Category" or
# "Category > Subcategory".
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}


def read_categories(sec: Section) -> tuple[str, ...]:
    """show.yaml's ``categories``: each an Apple category, or "Category > Subcategory"."""
    out = []
    for i, item, kp in sec.items("categories"):
        text = str(item).strip()
        top, _, sub = (s.strip() for s in text.partition(">"))
        if top not in APPLE_CATEGORIES:
            hint = did_you_mean(top, APPLE_CATEGORIES)
            sec.problem(
                None,
                f"{top!r} is not an Apple Podcasts category{hint}",
                line=line_of(sec.node.get("categories"), i),
            )
            sec.problems[-1] = Problem(
                sec.file, sec.problems[-1].line, kp, sec.problems[-1].message
            )
            continue
        if sub and sub not in APPLE_CATEGORIES[top]:
            hint = did_you_mean(sub, APPLE_CATEGORIES[top])
            subs = ", ".join(APPLE_CATEGORIES[top]) or "none"
            sec.problems.append(
                Problem(
                    sec.file,
                    line_of(sec.node.get("categories"), i),
                    kp,
                    f"{sub!r} is not a subcategory of {top!r}{hint}; its subcategories are: {subs}",
                )
            )
            continue
        out.append(f"{top} > {sub}" if sub else top)
    return tuple(out)
