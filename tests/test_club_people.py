"""People across cycles: identities merged by name, profile link and club/people.yaml;
their pages, the people index, badges, result pages, the leaderboard, discussion_url and
`listed: false` honoured on every page, in search, the feed and the notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from lxml import html as lxml_html

from podpipe import club
from podpipe.config import Cycle, load_show
from podpipe.errors import ConfigError
from podpipe.pipeline.load import load
from podpipe.site import search_entries, write_club_pages
from tests.club_helpers import published_episodes, sample_show_copy

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    return load_show(sample_show_copy(tmp_path_factory.mktemp("people") / "show"))


@pytest.fixture(scope="module")
def episodes(show):
    return published_episodes(show)


@pytest.fixture(scope="module")
def site(show, episodes, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_club_pages(show, episodes, out, today=TODAY)
    return out


def _page(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def test_sample_participants_merge_across_cycles(show):
    people = club.people_of(show, club.load_results(show))
    by_name = {p.name: p for p in people}
    assert list(by_name) == [
        "Chioma Eze",
        "Tomás Herrera",
        "Priya Raman",
        "Lena Fischer",
        "Dmitri Volkov",
    ]
    chioma = by_name["Chioma Eze"]
    # "Chioma E." in the second cycle: the same GitHub profile, and an alias in people.yaml
    assert [e.result.name for e in chioma.entries] == ["Chioma Eze", "Chioma E."]
    assert [c.slug for c in chioma.cycles] == ["pandas-groupby", "sql-window-functions"]
    assert chioma.link == "https://chiomaeze.example.net/"
    assert not by_name["Priya Raman"].listed
    assert [p.slug for p in club.index_order(people)][:1] == ["chioma-eze"]
    assert "priya-raman" not in [p.slug for p in club.index_order(people)]


def _result(name, url, links=()):
    return club.Result(name=name, url=url, links=tuple(links))


def test_merging_by_name_case_and_space_and_by_link_alone(show):
    a, b, c = show.club.cycles[:3]
    results = {
        a.slug: [_result("Ann  Lee", "https://a.example/1"), _result("Bo", "https://b.example/1")],
        b.slug: [_result("ann lee", "https://a.example/2")],
        c.slug: [_result("Bo Chen", "https://b.example/3", ["https://github.com/bo"])],
    }
    # Bo and Bo Chen are two people until a link joins them
    people = club.participants(show, results, [])
    assert [(p.name, len(p.entries)) for p in people] == [
        ("Ann  Lee", 2),
        ("Bo", 1),
        ("Bo Chen", 1),
    ]
    results[a.slug][1] = _result("Bo", "https://b.example/1", ["https://GITHUB.com/bo/"])
    people = club.participants(show, results, [])
    assert [(p.name, len(p.cycles)) for p in people] == [("Ann  Lee", 2), ("Bo", 2)]
    # three cycles: the badge
    results[b.slug].append(_result("Bo", "https://b.example/2"))
    bo = club.participants(show, results, [])[1]
    assert [b.key for b in bo.badges()] == ["first-result", "three-cycles"]


def test_slugs_are_unique_and_a_person_with_two_results_in_a_cycle_gets_two_pages(show):
    cycle = show.club.cycles[0]
    results = {
        cycle.slug: [
            _result("Ann Lee", "https://a.example/1"),
            _result("ann lee", "https://a.example/2"),
            _result("Ann-Lee", "https://c.example/1"),
            _result("李雷", "https://d.example/1"),
        ]
    }
    people = club.participants(show, results, [])
    assert [p.slug for p in people] == ["ann-lee", "ann-lee-2", "participant"]
    assert [e.slug for e in people[0].entries] == ["ann-lee", "ann-lee-2"]


def test_people_yaml_problems_name_file_line_and_key(tmp_path):
    root = sample_show_copy(tmp_path / "show")
    file = root / "club" / "people.yaml"
    file.write_text(
        "people:\n"
        "  - name: Ann\n"
        "    link: javascript:alert(1)\n"
        "  - name: Bo\n"
        "    listed: nope\n"
        "    alias: [B]\n"
        "  - name: Cy\n"
        "  - name: cy\n"
        "  - aliases: [7]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load(root)
    text = str(info.value)
    assert f"{file}:3: people[0].link: expected an absolute http(s) URL" in text
    assert f"{file}:5: people[1].listed: expected true or false" in text
    assert f"{file}:6: people[1].alias: unknown key (did you mean 'aliases'?)" in text
    assert f"{file}:8: people[3].name: 'cy' is already people[2]" in text
    assert f"{file}:9: people[4].name: missing" in text
    assert f"{file}:9: people[4].aliases: expected a name, found 7" in text


def test_a_cycle_may_not_take_the_people_pages_slug(tmp_path):
    root = sample_show_copy(tmp_path / "show")
    yaml = (root / "show.yaml").read_text(encoding="utf-8")
    (root / "show.yaml").write_text(yaml.replace("slug: intro-to-scikit-learn", "slug: people"))
    with pytest.raises(ConfigError) as info:
        load(root)
    assert "club.cycles[3].slug: 'people' is taken by the club's own pages" in str(info.value)


def test_people_index_sorted_by_cycles_and_person_pages(site):
    index = _page(site / "club" / "people" / "index.html")
    names = index.xpath("//ul[@class='club-people']/li/a/text()")
    assert names == ["Chioma Eze", "Tomás Herrera", "Lena Fischer", "Dmitri Volkov"]
    assert "2 cycles, 2 results" in index.text_content()
    page = _page(site / "club" / "people" / "chioma-eze" / "index.html")
    assert page.xpath("//h1/text()") == ["Chioma Eze"]
    own = page.xpath("//p[@class='club-own-link']/a")[0]
    assert own.get("href") == "https://chiomaeze.example.net/"
    assert own.get("rel") == "nofollow ugc noopener"
    pages = page.xpath("//a[@class='club-result-page']/@href")
    assert pages == [
        "../../../club/pandas-groupby/chioma-eze/",
        "../../../club/sql-window-functions/chioma-eze/",
    ]
    badges = page.xpath("//ul[@class='club-badges']/li/span[@class='club-badge-label']/text()")
    assert badges == ["First result", "Featured in an episode"]
    # Chioma is the guest of episode 2, which features her cycle: her page links it
    assert page.xpath("//ul[@class='club-featured']//a/@href") == [
        "../../../episodes/002-groupby-stories/"
    ]
    dmitri = _page(site / "club" / "people" / "dmitri-volkov" / "index.html")
    assert dmitri.xpath("//ul[@class='club-featured']//a/text()") == [
        "3. Windows, ranks and running totals"
    ]


def test_result_page_is_shareable_and_the_topic_page_links_people(site):
    page = _page(site / "club" / "sql-window-functions" / "chioma-eze" / "index.html")
    assert page.xpath("//h1/text()") == ["Each district's busiest hour with ROW_NUMBER()"]
    assert page.xpath("//a[@class='club-name']/@href") == ["../../../club/people/chioma-eze/"]
    see = page.xpath("//a[@class='button']")[0]
    assert see.get("href") == "https://chiomaeze.example.net/posts/busiest-hour-window/"
    assert see.get("rel") == "nofollow ugc noopener"
    assert (
        "https://podcast.example.org/club/sql-window-functions/chioma-eze/" in page.text_content()
    )
    topic = _page(site / "club" / "pandas-groupby" / "index.html")
    assert topic.xpath("//a[@class='club-name']/text()") == ["Chioma Eze", "Tomás Herrera"]
    assert topic.xpath("//span[@class='club-name']/text()") == ["Priya Raman"]


def test_unlisted_participant_only_on_the_topic_page(site, episodes):
    """Priya Raman is `listed: false`: her result stays on the topic page, her name is in
    no other page, not in the feed, the notes or the search index."""
    files = [p for p in site.rglob("*") if p.is_file()]
    with_name = sorted(
        str(p.relative_to(site)) for p in files if "Priya" in p.read_text(encoding="utf-8")
    )
    assert with_name == ["club/pandas-groupby/index.html"]
    assert not (site / "club" / "people" / "priya-raman").exists()
    assert not (site / "club" / "pandas-groupby" / "priya-raman").exists()
    entries = [e for pe in episodes for e in search_entries(pe, [])]
    assert entries and not [e for e in entries if "Priya" in e["x"]]
    assert any("apply() was slow" in e["x"] for e in entries)  # the result itself is there


def test_leaderboard_only_when_the_host_turns_it_on(show, episodes, site, tmp_path):
    assert not (site / "club" / "leaderboard").exists()
    assert "Leaderboard" not in (site / "club" / "index.html").read_text(encoding="utf-8")
    on = dataclasses.replace(show, club=dataclasses.replace(show.club, leaderboard=True))
    write_club_pages(on, episodes, tmp_path, today=TODAY)
    page = _page(tmp_path / "club" / "leaderboard" / "index.html")
    rows = page.xpath("//table[@class='club-leaderboard']/tbody/tr")
    assert [r.xpath("th/a/text()")[0] for r in rows][0] == "Chioma Eze"
    assert "Priya Raman" not in page.text_content()
    assert page.xpath("//tbody/tr[1]/td/text()") == ["1", "2", "2"]


def test_discussion_url_on_the_topic_page_and_in_the_announcement(show, site):
    plots = _page(site / "club" / "plotting-with-matplotlib" / "index.html")
    assert plots.xpath("//p[@class='club-discussion']/a/@href") == [
        "https://forum.example.org/t/clear-plots-with-matplotlib"
    ]
    sql = _page(site / "club" / "sql-window-functions" / "index.html")
    assert sql.xpath("//p[@class='club-discussion']/a/@href") == [
        "https://github.com/example/learning-out-loud/discussions"
    ]
    from podpipe import notes

    three = notes.render_notes(show, show.episode(3), results=club.load_results(show))
    assert (
        "Ask in [the discussion](https://forum.example.org/t/clear-plots-with-matplotlib)"
        in three.markdown
    )


def test_follow_up_notes_list_featured_participants_with_their_result_pages(show):
    from podpipe import notes

    two = notes.render_notes(show, show.episode(2), results=club.load_results(show))
    assert (
        "- [Chioma Eze](https://podcast.example.org/club/people/chioma-eze/): "
        "[Bike-share rides by hour and district]"
        "(https://podcast.example.org/club/pandas-groupby/chioma-eze/)"
    ) in two.markdown
    three = notes.render_notes(show, show.episode(3), results=club.load_results(show))
    assert "[Dmitri Volkov](https://podcast.example.org/club/people/dmitri-volkov/)" in (
        three.markdown
    )
    assert "In this episode:" not in notes.render_notes(show, show.episode(1)).markdown


def test_cycle_model_keeps_discussion_url_last():
    # stage cache keys read the reprs: new fields go at the end
    assert [f.name for f in dataclasses.fields(Cycle)][-1] == "discussion_url"
