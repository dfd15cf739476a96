"""The page title's filter: the site's name once at the end, every part escaped."""

from django.template import Context, Template

TITLE = Template(
    "{% load titles %}{% filter with_site_name:site %}{{ page }} · {{ program }}{% endfilter %}"
)


def test_the_site_name_ends_the_title():
    context = Context({"page": "Statusrapporter", "program": "Chefsprogram 2024", "site": "SVC"})

    assert TITLE.render(context) == "Statusrapporter · Chefsprogram 2024 · SVC"


def test_a_program_named_like_the_site_is_not_followed_by_the_site_name_again():
    name = "Sveriges viktigaste chefsjobb"
    context = Context({"page": "Statusrapporter", "program": name, "site": name})

    assert TITLE.render(context) == "Statusrapporter · Sveriges viktigaste chefsjobb"


def test_every_part_is_escaped():
    context = Context({"page": "<b>", "program": "R&D", "site": "Sweden's"})

    assert TITLE.render(context) == "&lt;b&gt; · R&amp;D · Sweden&#x27;s"
