def test_home_opens(page) -> None:
    page.goto("/")
    assert page.page.locator("h1").count() == 1
