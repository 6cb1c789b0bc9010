from django.shortcuts import render
from django.urls import path


def bare(request):
    return render(request, "bench/bare.html", {"title": "Правила работы с клиентами"})


urlpatterns = [path("", bare)]
