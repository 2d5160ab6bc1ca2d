import os

from django.core.wsgi import get_wsgi_application

from config.gctuning import tune_after_loading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
tune_after_loading()
