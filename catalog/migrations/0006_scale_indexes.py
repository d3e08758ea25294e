from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="taggedpaper",
            index=models.Index(fields=["tag", "content_object"], name="catalog_taggedpaper_tag_paper"),
        ),
        migrations.AddIndex(
            model_name="paperlink",
            index=models.Index(fields=["paper", "kind"], name="catalog_paperlink_paper_kind"),
        ),
    ]
