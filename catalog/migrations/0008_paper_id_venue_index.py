from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_paper_venue_facets_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(fields=["id", "venue"], name="catalog_paper_id_venue"),
        ),
    ]
