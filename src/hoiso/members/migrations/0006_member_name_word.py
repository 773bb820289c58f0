"""The vocabulary of name words (MemberNameWord), filled from the members' folded names.

Search corrects a misspelt word against it (hoiso.members.names). Filled here from every
record with how many names bear each word: on PostgreSQL one INSERT … SELECT … GROUP BY
over regexp_split_to_table (a few seconds at a million members), elsewhere in Python.
The same as names.recount (`manage.py members_name_words`), written out here because a
migration must not depend on the code of later versions. Reversing drops the table.
"""

from collections import Counter

from django.db import migrations, models

FILL_SQL = """
    INSERT INTO members_membernameword (word, members)
    SELECT word, count(*)
    FROM members_member, regexp_split_to_table(name_folded, ' ') AS word
    WHERE word ~ '[[:alnum:]]'  -- not the dash of an anonymised name
    GROUP BY word
    ORDER BY word
    ON CONFLICT (word) DO UPDATE SET members = EXCLUDED.members
"""


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_SQL)
        return
    Member = apps.get_model("members", "Member")
    MemberNameWord = apps.get_model("members", "MemberNameWord")
    names = Member.objects.values_list("name_folded", flat=True)
    counted = Counter(
        word
        for name in names.iterator(chunk_size=10_000)
        for word in name.split()
        if any(ch.isalnum() for ch in word)  # not the dash of an anonymised name
    )
    MemberNameWord.objects.bulk_create(
        [MemberNameWord(word=w, members=n) for w, n in sorted(counted.items())],
        update_conflicts=True, unique_fields=["word"], update_fields=["members"],
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("members", "0005_search_trigram")]

    operations = [
        migrations.CreateModel(
            name="MemberNameWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=120, unique=True)),
                ("members", models.IntegerField(default=1)),
            ],
            options={"verbose_name": "name word", "verbose_name_plural": "name words"},
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
