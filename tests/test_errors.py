"""The 403, 404 and 500 pages are in the site's own design."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import get_resolver

from tests.htmlcheck import html_problems


def test_404_page_has_the_site_header_and_a_way_home(client, db) -> None:
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert 'class="site-header"' in response.text
    assert 'href="#main"' in response.text
    assert "Sidan finns inte" in response.text
    assert html_problems(response.text) == []


def test_english_404_links_to_the_english_home_page(client, db) -> None:
    response = client.get("/en/finns-inte/")

    assert response.status_code == 404
    assert '<html lang="en" dir="ltr">' in response.text
    assert 'href="/en/"' in response.text
    assert '<a href="/finns-inte/" hreflang="sv" lang="sv">' in response.text


def test_swedish_404_links_to_the_same_address_in_english(client, db) -> None:
    response = client.get("/finns-inte/?a=1")

    assert '<a href="/en/finns-inte/?a=1" hreflang="en" lang="en">' in response.text


def test_500_handler_renders_the_static_error_page() -> None:
    handler = get_resolver().resolve_error_handler(500)

    response = handler(RequestFactory().get("/"))

    assert response.status_code == 500
    text = response.content.decode()
    assert "Något gick fel" in text
    assert "/static/css/site.css" in text
    assert html_problems(text) == []


def test_403_page_in_the_site_design(client, rep_a) -> None:
    # A logged-in member without staff rights asking for the admin login gets a 403.
    client.force_login(rep_a)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Du har inte behörighet" in html and 'class="site-header"' in html
    assert not html_problems(html)


def test_csrf_failure_page_explains_what_to_do(db) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x@example.se", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formuläret kunde inte skickas" in html and "ladda om sidan" in html
    assert not html_problems(html)
