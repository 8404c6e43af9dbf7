from django.http import HttpResponse


def tree(request):
    return HttpResponse("units")
