"""``manage.py export_person_data --organisation SLUG --email ADDRESS``: the register extract
(GDPR art. 15) of one person as JSON on standard output, the same as HR's JSON download."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from participants.access_log import access_log_record
from participants.models import Organisation, PersonalDataAccess
from participants.selectors import people_in
from privacy.extract import person_extract


class Command(BaseCommand):
    help = "Print one person's register extract (GDPR art. 15) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the organisation's short name")
        parser.add_argument("--email", required=True, help="the person's address, or their login's")

    def handle(self, *args, organisation, email, **options):
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(f"No organisation with the short name {organisation!r}.")
        address = email.strip()
        people = list(
            people_in(organisation=found)
            .filter(Q(email__iexact=address) | Q(user__email__iexact=address))
            .order_by("pk")[:2]
        )
        if not people:
            raise CommandError(f"{found.name} has no person with the address {address!r}.")
        if len(people) > 1:
            raise CommandError(
                f"More than one person of {found.name} has the address {address!r}; "
                "give each their own address first."
            )
        person = people[0]
        extract = person_extract(organisation=found, person=person)
        access_log_record(
            organisation=found,
            actor=None,
            action=PersonalDataAccess.Action.EXTRACT_EXPORT,
            subject=person,
            what="command",
        )
        self.stdout.write(json.dumps(extract, ensure_ascii=False, indent=2))
