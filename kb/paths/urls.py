from django.urls import path

from kb.paths import views

app_name = "paths"

urlpatterns = [
    path("paths/", views.PathListView.as_view(), name="path_list"),
    path("paths/<slug:slug>/", views.PathDetailView.as_view(), name="path_detail"),
    path("p/<int:pk>/", views.short_link, name="path_short"),
    path("read/<int:pk>/", views.mark_entry_read, name="mark_read"),
    path("read/<int:pk>/undo/", views.unmark_entry_read, name="unmark_read"),
    path("changes/", views.changes, name="changes"),
]
