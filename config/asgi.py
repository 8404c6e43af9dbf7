import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# What is loaded by now (Django, the apps, their libraries: ~230,000 objects) lives as long as the
# process. Kept out of the cyclic garbage collector, a full collection walks only what requests
# make: otherwise one that falls inside a request adds ~80 ms to it (bench/pages.py).
gc.freeze()
