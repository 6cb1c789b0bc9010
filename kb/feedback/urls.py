from django.urls import path

from kb.feedback import views

app_name = "feedback"

urlpatterns = [
    path("steps/<int:pk>/", views.vote, name="vote"),
]
