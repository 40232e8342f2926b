"""Project milestones become rows (ProjectMilestone) instead of lines of text: the schema."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conference', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The lines of text move out of the way (the data migration reads them, 0004 drops them):
        # the new table's reverse name on Project is "milestones".
        migrations.RenameField(model_name='historicalproject', old_name='milestones', new_name='milestone_lines'),
        migrations.RenameField(model_name='project', old_name='milestones', new_name='milestone_lines'),
        migrations.CreateModel(
            name='HistoricalProjectMilestone',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
                ('title', models.CharField(max_length=120, verbose_name='进度节点')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='计划完成日期')),
                ('done_on', models.DateField(blank=True, null=True, verbose_name='实际完成日期')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('project', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='conference.project', verbose_name='项目')),
            ],
            options={
                'verbose_name': 'historical 项目进度节点',
                'verbose_name_plural': 'historical 项目进度节点',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ProjectMilestone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
                ('title', models.CharField(max_length=120, verbose_name='进度节点')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='计划完成日期')),
                ('done_on', models.DateField(blank=True, null=True, verbose_name='实际完成日期')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='milestones', to='conference.project', verbose_name='项目')),
            ],
            options={
                'verbose_name': '项目进度节点',
                'verbose_name_plural': '项目进度节点',
                'ordering': ['project', 'position', 'id'],
                'indexes': [models.Index(fields=['due_on', 'done_on'], name='conf_milestone_due')],
            },
        ),
    ]
