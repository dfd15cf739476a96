"""Review of issue 16: the e-mail about a reported accessibility problem."""

import pytest
from django.core import mail

from participants.models import Role
from participants.tests.factories import OrganisationFactory
from statements.mail_accessibility import accessibility_report_message
from statements.services_accessibility import accessibility_report_submit

pytestmark = pytest.mark.django_db


def test_the_text_e_mail_shows_the_report_as_typed_not_as_html_entities(make_member):
    """The plain-text part was HTML-escaped: "&" arrived as "&amp;", "<" as "&lt;"."""
    org = OrganisationFactory(name="Vård & omsorg <Exempel>", slug="vard")
    make_member(Role.HR, org, email="hr@vard.test")
    report = accessibility_report_submit(
        organisation=org,
        page="/o/vard/?a=1&b=2",
        description='Knappen "Spara" & länken <Nästa> går inte att nå med tangentbordet.',
    )

    message = accessibility_report_message(report=report, to="hr@vard.test")

    assert message.subject == (
        "Ett tillgänglighetsproblem har rapporterats till Vård & omsorg <Exempel>"
    )
    assert "Sida: /o/vard/?a=1&b=2\n" in message.body
    assert '\nKnappen "Spara" & länken <Nästa> går inte att nå med tangentbordet.\n' in message.body
    assert "tillgänglighetsredogörelsen för Vård & omsorg <Exempel>." in message.body
    html = message.alternatives[0][0]
    assert "Knappen &quot;Spara&quot; &amp; länken &lt;Nästa&gt;" in html
    assert "<Nästa>" not in html
    assert mail.outbox == []
