"""A challenge's starting code is `starter_source` (one script; a lesson's are
`starter_files`): the one name the API, the import document and the editor use."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("coding", "0003_challenge_slug")]

    operations = [
        migrations.RenameField(model_name="challenge", old_name="seed_code", new_name="starter_source"),
    ]
