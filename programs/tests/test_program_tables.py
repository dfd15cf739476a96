"""The cells of the program's large tables rendered in one step (programs.templatetags):
the same links and the same escaped text as ``{% url %}`` and ``{{ name }} {{ count }}``."""

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from programs.templatetags.program_tables import group_detail_url, mix_items


def test_mix_items_are_the_list_items_with_the_name_escaped():
    assert mix_items([("Socialförvaltningen", 5), ("Kultur & <fritid>", 1)]) == (
        '<li class="list-inline-item">Socialförvaltningen 5</li>\n'
        '<li class="list-inline-item">Kultur &amp; &lt;fritid&gt; 1</li>'
    )
    assert mix_items([]) == ""


def test_mix_items_says_what_the_loop_said():
    mix = [("Skol\"förvaltningen'", 12), ("Vård & omsorg", 3)]
    loop = Template(
        '{% for name, count in mix %}<li class="list-inline-item">{{ name }} {{ count }}</li>'
        "{% if not forloop.last %}\n{% endif %}{% endfor %}"
    ).render(Context({"mix": mix}))
    assert mix_items(mix) == loop


@pytest.mark.parametrize("slug", ["orebro", "lindesberg"])
def test_the_group_link_is_the_reversed_url_for_every_id(slug):
    for group_id in (1, 9, 10, 987, 123456):
        expected = reverse("programs:group_detail", kwargs={"org": slug, "group_id": group_id})
        assert group_detail_url(group_id, slug) == expected


def test_the_group_link_follows_the_script_prefix():
    try:
        set_script_prefix("/svc/")
        assert group_detail_url(7, "orebro") == "/svc/o/orebro/grupp/7/"
    finally:
        set_script_prefix("/")
    assert group_detail_url(7, "orebro") == "/o/orebro/grupp/7/"
