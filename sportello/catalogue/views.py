from django.shortcuts import render


def index(request):
    return render(request, "catalogue/index.html")


def category(request, slug):
    return render(request, "catalogue/index.html")


def service(request, slug):
    return render(request, "catalogue/index.html")
