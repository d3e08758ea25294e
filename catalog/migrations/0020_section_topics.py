"""A subsection's entries have the topics the sections above it imply: a section's topics (`Section.topics`) are
read from a table of derived data, which catalog/topics.py declares and `migrate` makes after applying the
migrations, with the triggers that keep it (catalog/apps.py); its model is unmanaged."""

import django.db.models.deletion
from django.db import migrations, models


def view_key(name, to):
    return (
        name,
        models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=to),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0019_paper_index_only_reads"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="SectionTopic",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "section", "tag", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                view_key("section", "catalog.section"),
                view_key("tag", "taggit.tag"),
            ],
            options={"db_table": "catalog_section_topic", "managed": False},
        ),
        migrations.AlterField(
            model_name="section",
            name="implied_topics",
            field=models.ManyToManyField(
                blank=True,
                help_text="Topics every paper or resource listed in this section or in one of its subsections has, "
                "besides its own tags.",
                related_name="implying_sections",
                to="taggit.tag",
            ),
        ),
        migrations.AddField(
            model_name="section",
            name="topics",
            field=models.ManyToManyField(
                editable=False, related_name="+", through="catalog.SectionTopic", to="taggit.tag"
            ),
        ),
    ]
