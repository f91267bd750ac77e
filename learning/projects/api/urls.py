from django.urls import path

from site_config.api.ids import register_text_converter

from . import views

# `<file_path:path>`: the rest of the URL, possibly empty (the folder's index.html).
register_text_converter("file_path", ".*")
# `<token:token>`: a preview or share token's alphabet (URL-safe base64 and the signer's
# `:`), at most 200 characters. The token goes into the CSP header of the answer, so
# nothing else may reach it.
register_text_converter("token", "[A-Za-z0-9_:-]{1,200}")

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/import/", views.ProjectImportView.as_view(), name="project-import"),
    path("projects/templates/", views.TemplateListView.as_view(), name="project-templates"),
    path("projects/<id:project_id>/", views.ProjectDetailView.as_view(), name="project"),
    path("projects/<id:project_id>/files/write/", views.FileWriteView.as_view(), name="project-file-write"),
    path(
        "projects/<id:project_id>/files/delete/", views.PathDeleteView.as_view(), name="project-path-delete"
    ),
    path("projects/<id:project_id>/files/move/", views.PathMoveView.as_view(), name="project-path-move"),
    path("projects/<id:project_id>/folders/", views.FolderCreateView.as_view(), name="project-folder-create"),
    path(
        "projects/<id:project_id>/save-points/", views.SavePointListView.as_view(), name="project-save-points"
    ),
    path(
        "projects/<id:project_id>/save-points/<id:save_point_id>/",
        views.SavePointDetailView.as_view(),
        name="project-save-point",
    ),
    path(
        "projects/<id:project_id>/save-points/<id:save_point_id>/restore/",
        views.SavePointRestoreView.as_view(),
        name="project-save-point-restore",
    ),
    path("projects/<id:project_id>/export/", views.ProjectExportView.as_view(), name="project-export"),
    path("projects/<id:project_id>/shares/", views.ShareListView.as_view(), name="project-shares"),
    path(
        "projects/<id:project_id>/shares/<id:share_id>/",
        views.ShareDetailView.as_view(),
        name="project-share",
    ),
    path(
        "projects/<id:project_id>/preview-link/", views.PreviewLinkView.as_view(), name="project-preview-link"
    ),
    path(
        "projects/<id:project_id>/preview/<file_path:path>",
        views.OwnerPreviewView.as_view(),
        name="project-preview",
    ),
    path(
        "project-preview/<token:token>/<file_path:path>",
        views.TokenPreviewView.as_view(),
        name="project-preview-token",
    ),
    path("shared/<token:token>/", views.SharedProjectView.as_view(), name="shared-project"),
    path("shared/<token:token>/site/<file_path:path>", views.SharedSiteView.as_view(), name="shared-site"),
]
