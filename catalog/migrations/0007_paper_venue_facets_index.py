from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_scale_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(fields=["venue", "date", "section"], name="catalog_paper_venue_facets"),
        ),
    ]
