"""Show notes: the Markdown template, the club block, CommonMark HTML."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from lxml import html as lxml_html

from podpipe import club, notes, render
from podpipe.config import load_show
from podpipe.site import write_club_pages
from tests.club_helpers import sample_show_copy


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    return load_show(sample_show_copy(tmp_path_factory.mktemp("notes") / "show"))


@pytest.fixture(scope="module")
def rendered(show):
    results = club.load_results(show)
    return {ep.number: notes.render_notes(show, ep, results=results) for ep in show.episodes}


EXPECTED_NEXT = {
    1: (
        "Split-apply-combine with pandas groupby",
        "pandas-groupby",
        "Monday 28 September 2026",
        "Sunday 11 October 2026",
    ),
    2: (
        "SQL window functions",
        "sql-window-functions",
        "Monday 19 October 2026",
        "Sunday 1 November 2026",
    ),
    3: (
        "Clear plots with matplotlib",
        "plotting-with-matplotlib",
        "Monday 16 November 2026",
        "Sunday 29 November 2026",
    ),
}


@pytest.mark.parametrize("number", [1, 2, 3])
def test_notes_name_the_next_topic_with_dates_and_a_working_link(show, rendered, number, tmp_path):
    title, slug, start, end = EXPECTED_NEXT[number]
    note = rendered[number]
    assert note.announces == slug
    page = lxml_html.fromstring(note.html)
    heading = [h.text_content() for h in page.xpath("//h2")]
    assert f"The Learning Out Loud club: next topic, {title}" in heading
    text = page.text_content()
    assert f"{title} runs from {start} to {end}." in text
    # Every resource of the cycle is linked.
    cycle = show.club.cycle(slug)
    hrefs = page.xpath("//a/@href")
    assert all(r.url in hrefs for r in cycle.resources)
    assert "https://example.org/club/submit" in hrefs
    assert "How to take part: Learn the topic over the two weeks" in text
    # The topic link is absolute and points at the page the club module writes.
    link = f"https://podcast.example.org/club/{slug}/"
    assert link in hrefs
    write_club_pages(show, [], tmp_path, today=dt.date(2026, 11, 24))
    assert (tmp_path / link.removeprefix(show.base_url) / "index.html").is_file()


def test_follow_up_episodes_link_the_results_page_and_list_results(rendered):
    assert rendered[1].features is None
    assert "what you built" not in rendered[1].markdown
    two = lxml_html.fromstring(rendered[2].html)
    assert rendered[2].features == "pandas-groupby"
    assert "https://podcast.example.org/club/pandas-groupby/#results" in two.xpath("//a/@href")
    assert "3 participants shared what they built:" in two.text_content()
    result_links = two.xpath("//a[@rel]")
    assert [a.get("href") for a in result_links] == [
        "https://chiomaeze.example.net/posts/bike-share-groupby/",
        "https://github.com/therrera-example/air-quality-groupby",
        "https://priyaraman.example.org/blog/groupby-apply",
    ]
    assert {a.get("rel") for a in result_links} == {"nofollow ugc noopener"}
    # Priya Raman is `listed: false` in club/people.yaml: her result, not her name.
    assert "Priya Raman" not in two.text_content()
    assert "groupby-apply (late)" not in two.text_content()
    assert "Why groupby().apply() was slow, and what I used instead (late)" in two.text_content()
    assert rendered[3].features == "sql-window-functions"
    assert "https://podcast.example.org/club/sql-window-functions/#results" in lxml_html.fromstring(
        rendered[3].html
    ).xpath("//a/@href")


def test_notes_have_summary_guests_chapters_and_transcript_links(rendered):
    page = lxml_html.fromstring(rendered[1].html)
    text = page.text_content()
    assert text.startswith("Ada and Ben Okafor talk about learning in public")
    assert page.xpath("//a[text()='Ben Okafor']/@href") == ["https://example.org/ben"]
    chapters = page.xpath("//h2[text()='Chapters']/following-sibling::ul[1]/li/text()")
    assert chapters == ["0:00 Welcome", "0:30 Learning in public"]
    assert page.xpath("//a[text()='Read the transcript']/@href") == [
        "https://podcast.example.org/episodes/001-why-a-learning-club/transcript.html"
    ]
    assert (
        "https://podcast.example.org/episodes/001-why-a-learning-club/transcript.vtt"
        in page.xpath("//a/@href")
    )
    # Host Markdown is rendered.
    assert lxml_html.fromstring(rendered[2].html).xpath("//strong/text()")[0] == "groupby"


def test_no_transcript_links_when_transcription_is_off(show):
    note = notes.render_notes(show, show.episodes[0], transcript=False)
    assert "transcript" not in note.markdown.lower()


def test_raw_html_and_participant_markup_are_escaped(show):
    ep = dataclasses.replace(
        show.episodes[1], notes="Hi <script>alert(1)</script> there\n\n<div onclick=x>block</div>\n"
    )
    evil = club.Result(
        name="<script>alert(2)</script> [x](javascript:alert(3))",
        url="https://ok.example.org/",
        title="*bold* <b>b</b>",
    )
    note = notes.render_notes(show, ep, results={"pandas-groupby": [evil]})
    assert "<script>" not in note.html
    assert "<div" not in note.html and "<b>" not in note.html
    assert "javascript:" not in "".join(lxml_html.fromstring(note.html).xpath("//a/@href"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note.html
    assert "by &lt;script&gt;alert(2)&lt;/script&gt; [x](javascript:alert(3))" in note.html
    assert ">*bold* &lt;b&gt;b&lt;/b&gt;</a>" in note.html


def test_an_episode_after_the_last_cycle_has_no_club_block(show):
    ep = dataclasses.replace(show.episodes[0], number=99, date=dt.date(2027, 3, 1))
    note = notes.render_notes(show, ep)
    assert note.announces is None and note.features is None
    assert "next topic" not in note.markdown


def test_the_shows_own_template_overrides_the_built_in_one(show, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "notes.md.j2").write_text(
        "{{ episode.title }}: next up {{ announced.title }} ({{ announced_url }})\n",
        encoding="utf-8",
    )
    custom = dataclasses.replace(show, templates_dir=templates)
    note = notes.render_notes(custom, custom.episodes[0])
    assert note.markdown == (
        "Why a learning club?: next up Split-apply-combine with pandas "
        "groupby (https://podcast.example.org/club/pandas-groupby/)\n"
    )
    assert note.announces == "pandas-groupby"


def test_md_escape_round_trips_plain_text():
    for text in [
        "1. not a list",
        "# not a heading",
        "a_b*c*",
        "<b>&amp;</b>",
        "- dash",
        "[a](b)",
        "back\\slash `code`",
    ]:
        html = render.markdown_html(render.md_escape(text))
        assert lxml_html.fromstring(html).text_content().strip() == text, text


def test_a_templates_folder_in_the_show_is_picked_up_by_load_show(tmp_path):
    root = sample_show_copy(tmp_path / "show")
    (root / "templates").mkdir()
    (root / "templates" / "notes.md.j2").write_text(
        "{% include 'notes_builtin.md.j2' ignore missing %}Custom: {{ episode.number }}\n",
        encoding="utf-8",
    )
    show = load_show(root)
    assert notes.render_notes(show, show.episodes[0]).markdown == "Custom: 1\n"


def test_page_notes_leave_out_what_the_episode_page_shows_itself(show, rendered):
    """The feed's notes carry everything (podcast apps show nothing else); the episode
    page shows summary, guests, chapters and transcript in their own places, so its
    notes keep only the host's text and the club blocks."""
    ep = show.episode(1)
    feed = lxml_html.fromstring(rendered[1].html).text_content()
    page_html = rendered[1].page_html
    page = lxml_html.fromstring(page_html).text_content()
    for text in (ep.summary, "Guests", "Chapters", "Transcript"):
        assert text in feed
        assert text not in page
    assert "Ben Okafor runs a study group" in page and "Ben Okafor runs a study group" in feed
    assert "next topic, Split-apply-combine with pandas groupby" in page
    # Links into the site are relative on the page (it works before deployment and under
    # `podpipe serve`), absolute in the feed; the link text stays the public address.
    assert '<a href="../../club/pandas-groupby/">https://podcast.example.org/club/' in page_html
    assert 'href="../../club.ics"' in page_html
    assert 'href="https://podcast.example.org/club/pandas-groupby/"' in rendered[1].html
    assert 'href="../../' not in rendered[1].html


def test_participant_links_keep_rel_whatever_characters_their_url_has(show):
    """md_url percent-encodes ( ) and quotes; the rel must follow the link anyway."""
    result = club.Result(
        name="W",
        url='https://en.wikipedia.org/wiki/Window_function_(SQL)?q="x"',
        title="Window functions",
    )
    ep = show.episode(3)
    cycle = club.featured_cycle(show, ep)
    note = notes.render_notes(show, ep, results={cycle.slug: [result]})
    for html in (note.html, note.page_html):
        (link,) = [
            a for a in lxml_html.fromstring(html).xpath("//a") if "wikipedia" in a.get("href")
        ]
        assert link.get("rel") == "nofollow ugc noopener"


def test_page_links_are_relative_with_a_non_ascii_base_url(show):
    moved = dataclasses.replace(show, base_url="https://exämple.org/podcäst/")
    note = notes.render_notes(moved, moved.episode(1))
    assert 'href="../../club/pandas-groupby/"' in note.page_html
    assert 'href="https://xn--exmple-cua.org/podc%C3%A4st/' not in note.page_html
