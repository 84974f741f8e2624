"""`manage.py check --deploy`: what the decision letters (grants/letters.py) need of the server."""

from __future__ import annotations

from django.core.checks import Error, Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def letter_libraries(app_configs=None, **kwargs) -> list:
    """WeasyPrint loads (Pango), and subsets the font with HarfBuzz: its other way, fontTools,
    writes the time of the render into the font, so that the same decision's letter would not
    come out byte for byte the same twice."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError) as error:
        return [
            Error(
                f"WeasyPrint cannot load ({error}): no decision letter can be made.",
                hint="Install Debian's Pango: make pango.",
                id="grants.E001",
            )
        ]
    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        return [
            Warning(
                "HarfBuzz's subsetter (libharfbuzz-subset0, 4.1 or newer) is missing: two renders of the "
                "same decision letter would differ.",
                hint="Install it: make pango.",
                id="grants.W001",
            )
        ]
    return []
