from django.http import HttpResponse


def framework_list(request):
    return HttpResponse("frameworks")
