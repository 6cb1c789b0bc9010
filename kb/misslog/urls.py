from django.urls import path

from kb.misslog import views

app_name = "misslog"

urlpatterns = [
    path("search/open/<uuid:key>/<int:entry>/", views.open_result, name="open"),
]
