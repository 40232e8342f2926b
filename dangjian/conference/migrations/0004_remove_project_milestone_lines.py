"""The project's milestone text lines are gone: 0003 moved them into ProjectMilestone."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('conference', '0003_milestone_lines_to_rows'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalproject',
            name='milestone_lines',
        ),
        migrations.RemoveField(
            model_name='project',
            name='milestone_lines',
        ),
    ]
