"""WSGI entry point (gunicorn hoiso.config.wsgi): Django's application, with the quiz's
lean submit in front of it (hoiso.contests.fastpath)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoiso.config.settings")
django_application = get_wsgi_application()

from hoiso.contests.fastpath import QuizSubmitApplication  # noqa: E402 (needs Django set up)

application = QuizSubmitApplication(django_application)
