"""Load Vietnam's provinces and communes (since 1 July 2025) from `vietnam-provinces`."""

from django.core.management.base import BaseCommand
from django.db import transaction
from vietnam_provinces import Province, Ward

from hoiso.core.text import fold, normalize
from hoiso.org.models import AdministrativeArea


class Command(BaseCommand):
    help = "Load or refresh the 34 provinces and 3,321 communes from vietnam-provinces."

    @transaction.atomic
    def handle(self, *args, **options):
        existing = {a.code: a for a in AdministrativeArea.objects.all()}
        created = updated = 0
        provinces: dict[int, AdministrativeArea] = {}
        for source in Province.iter_all():
            area, is_new = self._upsert(
                existing,
                str(int(source.code)),
                normalize(source.name),
                source.division_type.value,
                AdministrativeArea.Level.PROVINCE,
                None,
            )
            provinces[int(source.code)] = area
            created, updated = created + is_new, updated + (not is_new)
        to_create = []
        for source in Ward.iter_all():
            code = f"{int(source.code):05d}"
            province = provinces[int(source.province_code)]
            name = normalize(source.name)
            if code in existing:
                area = existing[code]
                if (area.name, area.province_id) != (name, province.pk):
                    area.name, area.province = name, province
                    area.save()
                    updated += 1
                continue
            to_create.append(
                AdministrativeArea(
                    code=code,
                    name=name,
                    name_folded=fold(name),
                    division_type=source.division_type.value,
                    level=AdministrativeArea.Level.COMMUNE,
                    province=province,
                )
            )
        AdministrativeArea.objects.bulk_create(to_create, batch_size=1000)
        created += len(to_create)
        self.stdout.write(
            f"areas: {created} created, {updated} checked "
            f"({AdministrativeArea.objects.count()} in all)"
        )

    def _upsert(self, existing, code, name, division_type, level, province):
        area = existing.get(code)
        if area is None:
            area = AdministrativeArea.objects.create(
                code=code, name=name, division_type=division_type, level=level, province=province
            )
            return area, True
        if area.name != name:
            area.name = name
            area.save()
        return area, False
