"""The "Course review" workflow and the editor rights of the teacher and admin roles.

* Workflow "Course review" with one GroupApprovalTask "Admin review" (group "admin"),
  assigned to the tree root so it covers every course, module and lesson (it replaces
  Wagtail's default "Moderators approval" there).
* Page permissions on the root: teacher = add (create courses; what they may edit is
  narrowed to their own courses by cms.permissions.CoursePermissionTester), admin =
  add/change/publish/bulk_delete/lock/unlock.
* Collection permissions on the root collection: teachers add and choose images and
  documents (and change their own), admins manage all of them.
* Model permission cms.assign_course_owners for admins.

Permissions are fetched with get_or_create: on a fresh database Django's post_migrate
hook has not created them yet.
"""

from django.db import migrations

WORKFLOW_NAME = "Course review"
TASK_NAME = "Admin review"


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    teacher = Group.objects.get(name="teacher")
    admin = Group.objects.get(name="admin")

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.set([admin])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})

        def grant_page(group, *actions):
            for action in actions:
                permission = _permission(apps, "wagtailcore", "page", f"{action}_page", f"Can {action} page")
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)

        grant_page(teacher, "add")
        grant_page(admin, "add", "change", "publish", "bulk_delete", "lock", "unlock")

    collection = Collection.objects.filter(depth=1).order_by("path").first()
    if collection is not None:

        def grant_collection(group, model, *actions):
            for action in actions:
                permission = _permission(apps, "wagtail" + model + "s", model, f"{action}_{model}", f"Can {action} {model}")
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )

        for model in ("image", "document"):
            grant_collection(teacher, model, "add", "choose")
            grant_collection(admin, model, "add", "change", "delete", "choose")

    admin.permissions.add(
        _permission(apps, "cms", "coursepage", "assign_course_owners", "Can choose the teachers who own a course")
    )


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()
    GroupApprovalTask.objects.filter(name=TASK_NAME).delete()
    GroupPagePermission.objects.filter(group__name__in=["teacher", "admin"]).delete()
    GroupCollectionPermission.objects.filter(group__name__in=["teacher", "admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_course_owners_teachers_only"),
        ("accounts", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
