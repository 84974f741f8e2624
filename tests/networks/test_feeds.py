"""Machine-readable pages: the Atom feed, sitemap.xml and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.networks.conftest import make_posts

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_atom_feed_lists_published_news(client, networks) -> None:
    make_posts(networks["satra"], 3)

    response = client.get("/nyheter/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Nyhet 0", "Nyhet 1", "Nyhet 2"]
    assert entries[0].find(f"{ATOM}link").get("href") == "http://testserver/nyheter/nyhet-0/"
    assert not response.cookies


def test_english_atom_feed_uses_english_titles_and_links(client, networks) -> None:
    make_posts(None, 1)

    feed = ET.fromstring(client.get("/en/nyheter/feed/").content)

    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "News 0"
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/en/nyheter/nyhet-0/"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_sitemap_has_every_page_with_hreflang_alternates(client, networks) -> None:
    make_posts(networks["brynas"], 2)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
    locations = {u.findtext(f"{SITEMAP}loc") for u in urls}
    paths = ["/", "/om/", "/natverk/andersberg/", "/nyheter/nyhet-1/", "/tillganglighet/", "/personuppgifter/"]
    for path in [*paths, "/lattlast/"]:
        assert f"http://testserver{path}" in locations
        for code in ["en", "fi", "ar"]:
            assert f"http://testserver/{code}{path}" in locations
    home = next(u for u in urls if u.findtext(f"{SITEMAP}loc") == "http://testserver/")
    alternates = {link.get("hreflang"): link.get("href") for link in home.findall(f"{XHTML}link")}
    assert alternates == {
        "sv": "http://testserver/",
        "en": "http://testserver/en/",
        "fi": "http://testserver/fi/",
        "ar": "http://testserver/ar/",
        "x-default": "http://testserver/",
    }


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_admin(client, db) -> None:
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    for prefix in ["", "/en", "/fi", "/ar"]:
        assert f"Disallow: {prefix}/admin/" in lines
        assert f"Disallow: {prefix}/mina-sidor/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
