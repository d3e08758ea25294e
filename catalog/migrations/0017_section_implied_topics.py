"""Sections imply topics: every entry listed in a section has the topics the section implies, besides its own tags.

An entry's topics (`Paper.topics`, `Resource.topics`) are read from a database view per kind, which catalog/topics.py
declares and `migrate` makes after applying the migrations (catalog/apps.py); the models of the views are unmanaged.

A catalog that already has sections gets the implied topics of the section rules of catalog/topic_tags.toml, as an
import would give them.
"""

import tomllib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils.text import slugify


def imply_topics_of_section_rules(apps, schema_editor):
    Section = apps.get_model("catalog", "Section")
    Tag = apps.get_model("taggit", "Tag")
    if not Section.objects.exists():
        return
    with open(settings.CATALOG_TOPIC_RULES_PATH, "rb") as rules:
        tables = tomllib.load(rules).get("tags", {})
    for name, table in tables.items():
        sections = Section.objects.filter(title__in=table.get("sections", []))
        if sections:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name, slug=slugify(name))
            for section in sections:
                section.implied_topics.add(tag)


def topic_model(name, entry_model, table):
    return migrations.CreateModel(
        name=name,
        fields=[
            ("pk", models.CompositePrimaryKey("entry", "tag", blank=True, editable=False, primary_key=True, serialize=False)),
            (
                "entry",
                models.ForeignKey(
                    db_constraint=False,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to=entry_model,
                ),
            ),
            (
                "tag",
                models.ForeignKey(
                    db_constraint=False,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to="taggit.tag",
                ),
            ),
        ],
        options={"db_table": table, "abstract": False, "managed": False},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0016_trigram_similarity"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        topic_model("PaperTopic", "catalog.paper", "catalog_paper_topic"),
        topic_model("ResourceTopic", "catalog.resource", "catalog_resource_topic"),
        migrations.AddField(
            model_name="section",
            name="implied_topics",
            field=models.ManyToManyField(
                blank=True,
                help_text="Topics every paper or resource listed in this section has, besides its own tags.",
                related_name="implying_sections",
                to="taggit.tag",
            ),
        ),
        migrations.AddField(
            model_name="paper",
            name="topics",
            field=models.ManyToManyField(
                editable=False, related_name="+", through="catalog.PaperTopic", to="taggit.tag"
            ),
        ),
        migrations.AddField(
            model_name="resource",
            name="topics",
            field=models.ManyToManyField(
                editable=False, related_name="+", through="catalog.ResourceTopic", to="taggit.tag"
            ),
        ),
        migrations.RunPython(imply_topics_of_section_rules, migrations.RunPython.noop),
    ]
