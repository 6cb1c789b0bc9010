from django.urls import path

from kb.misslog import views

app_name = "misslog"

urlpatterns = [
    path("search/open/<int:record>/<int:entry>/", views.open_result, name="open"),
]
