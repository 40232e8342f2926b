"""Each line of a project's milestone text becomes a ProjectMilestone, in order (no dates: the
lines never had any). Reversible: the rows are joined back into lines."""

from django.db import migrations


def lines_to_rows(apps, schema_editor):
    Project = apps.get_model("conference", "Project")
    ProjectMilestone = apps.get_model("conference", "ProjectMilestone")
    rows = []
    for project in Project.objects.exclude(milestone_lines="").only("pk", "milestone_lines").iterator():
        titles = [line.strip()[:120] for line in project.milestone_lines.splitlines() if line.strip()]
        rows += [ProjectMilestone(project_id=project.pk, position=position, title=title)
                 for position, title in enumerate(titles, start=1)]
    ProjectMilestone.objects.bulk_create(rows, batch_size=500)


def rows_to_lines(apps, schema_editor):
    Project = apps.get_model("conference", "Project")
    ProjectMilestone = apps.get_model("conference", "ProjectMilestone")
    lines: dict[int, list[str]] = {}
    for milestone in ProjectMilestone.objects.order_by("project", "position", "id").iterator():
        lines.setdefault(milestone.project_id, []).append(milestone.title)
    for project_id, titles in lines.items():
        Project.objects.filter(pk=project_id).update(milestone_lines="\n".join(titles)[:2000])


class Migration(migrations.Migration):

    dependencies = [
        ("conference", "0002_project_milestones"),
    ]

    operations = [migrations.RunPython(lines_to_rows, rows_to_lines)]
